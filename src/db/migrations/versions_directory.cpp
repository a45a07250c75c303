#include "db/migrations/versions_directory.hpp"

#include "db/migrations/revision_file.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace coffeehouse::db::migrations {
namespace {

Outcome<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  if (!file) return fail(path.string() + ": cannot be read");
  return text.str();
}

}  // namespace

Outcome<RevisionGraph> load_versions_directory(const std::filesystem::path& versions_dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(versions_dir, error)) {
    return fail("versions directory '" + versions_dir.string() + "' does not exist (see --versions-dir)");
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(versions_dir, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql") paths.push_back(entry.path());
  }
  if (error) return fail("versions directory '" + versions_dir.string() + "': " + error.message());
  // Sorted so that which of two broken files gets reported does not depend on the file system.
  std::sort(paths.begin(), paths.end());

  std::vector<Revision> revisions;
  for (const auto& path : paths) {
    auto text = read_file(path);
    if (!text) return text.error();
    auto revision = parse_revision_file(*text, path);
    if (!revision) return revision.error();
    revisions.push_back(std::move(*revision));
  }
  return RevisionGraph::build(std::move(revisions));
}

std::vector<std::string> head_revisions(const std::filesystem::path& versions_dir) {
  auto graph = load_versions_directory(versions_dir);
  if (!graph) throw std::runtime_error(graph.error().message);
  return graph->heads();
}

}  // namespace coffeehouse::db::migrations
