#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace coffeehouse::db::migrations {

// Revisions no other revision names as its down_revision, sorted. Throws std::runtime_error.
std::vector<std::string> head_revisions(const std::filesystem::path& versions_dir);

}  // namespace coffeehouse::db::migrations
