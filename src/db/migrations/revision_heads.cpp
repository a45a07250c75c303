#include "db/migrations/revision_heads.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <stdexcept>

namespace coffeehouse::db::migrations {

namespace {
std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}
}  // namespace

std::vector<std::string> head_revisions(const std::filesystem::path& versions_dir) {
  if (!std::filesystem::is_directory(versions_dir)) {
    throw std::runtime_error("'" + versions_dir.string() + "' is not a directory");
  }
  std::set<std::string> revisions, parents;
  for (const auto& entry : std::filesystem::directory_iterator(versions_dir)) {
    if (entry.path().extension() != ".sql") continue;
    std::ifstream file(entry.path());
    for (std::string line; std::getline(file, line);) {
      if (line.rfind("-- revision:", 0) == 0) revisions.insert(trimmed(line.substr(12)));
      if (line.rfind("-- down_revision:", 0) == 0) {
        auto rest = line.substr(17);
        for (std::size_t start = 0; start <= rest.size();) {
          const auto comma = rest.find(',', start);
          auto id = trimmed(rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
          if (!id.empty()) parents.insert(id);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      }
    }
  }
  std::vector<std::string> heads;
  std::set_difference(revisions.begin(), revisions.end(), parents.begin(), parents.end(), std::back_inserter(heads));
  if (heads.empty()) throw std::runtime_error("no revisions in '" + versions_dir.string() + "'");
  return heads;
}

}  // namespace coffeehouse::db::migrations
