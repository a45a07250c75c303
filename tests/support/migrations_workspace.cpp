#include "support/migrations_workspace.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace coffeehouse::testing {

std::filesystem::path project_versions_dir() {
  return std::filesystem::path(COFFEEHOUSE_SOURCE_DIR) / "schema" / "versions";
}

std::filesystem::path diamond_versions_dir() {
  static const VersionsWorkspace diamond(
      {project::init_file, project::surname_file, project::patronomic_file, project::merge_file});
  return diamond.path();
}

VersionsWorkspace::VersionsWorkspace(const std::vector<std::string_view>& project_files) {
  std::string name = (std::filesystem::temp_directory_path() / "coffeehouse-versions-XXXXXX").string();
  if (mkdtemp(name.data()) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  path_ = name;
  for (const auto file : project_files) std::filesystem::copy_file(project_versions_dir() / file, path_ / file);
}

VersionsWorkspace::~VersionsWorkspace() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void VersionsWorkspace::write(const std::string& file_name, const std::string& text) const {
  std::ofstream file(path_ / file_name, std::ios::binary);
  file << text;
  if (!file) throw std::runtime_error("cannot write " + (path_ / file_name).string());
}

void VersionsWorkspace::write_revision(const std::string& id, const std::string& down_revision,
                                       const std::string& upgrade_sql, const std::string& downgrade_sql) const {
  write(id + ".sql", "-- revision: " + id + "\n-- down_revision: " + down_revision + "\n-- message: revision " + id +
                         "\n\n-- upgrade\n" + upgrade_sql + "\n\n-- downgrade\n" + downgrade_sql + "\n");
}

void VersionsWorkspace::remove(const std::string& file_name) const { std::filesystem::remove(path_ / file_name); }

std::vector<std::string> VersionsWorkspace::file_names() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path_))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::filesystem::path generated_path(const std::string& report) {
  constexpr std::string_view prefix = "Generating ";
  constexpr std::string_view suffix = " ... done";
  const auto start = report.find(prefix);
  const auto end = report.find(suffix);
  if (start == std::string::npos || end == std::string::npos || end < start) {
    throw std::runtime_error("not a 'Generating ... done' report: " + report);
  }
  return report.substr(start + prefix.size(), end - start - prefix.size());
}

void fill_sections(const std::filesystem::path& revision_file, const std::string& upgrade_sql,
                   const std::string& downgrade_sql) {
  auto text = read_text(revision_file);
  const auto sections = text.find("\n-- upgrade\n");
  if (sections == std::string::npos) throw std::runtime_error("no upgrade section in " + revision_file.string());
  text.resize(sections);
  text += "\n-- upgrade\n" + upgrade_sql + "\n\n-- downgrade\n" + downgrade_sql + "\n";
  std::ofstream file(revision_file, std::ios::binary);
  file << text;
  if (!file) throw std::runtime_error("cannot write " + revision_file.string());
}

}  // namespace coffeehouse::testing
