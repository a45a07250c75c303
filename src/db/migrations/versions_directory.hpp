#pragma once
// Loading schema/versions: every *.sql file is one revision; file names do not decide order.
#include "db/migrations/migration_error.hpp"
#include "db/migrations/revision_graph.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace coffeehouse::db::migrations {

// Reads and checks every revision file, then the graph they form.
Outcome<RevisionGraph> load_versions_directory(const std::filesystem::path& versions_dir);

// The head revision ids of the directory, sorted: what alembic_version holds once the database
// is fully upgraded. Throws std::runtime_error naming the problem if the directory is malformed.
std::vector<std::string> head_revisions(const std::filesystem::path& versions_dir);

}  // namespace coffeehouse::db::migrations
