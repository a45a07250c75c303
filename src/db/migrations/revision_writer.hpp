#pragma once
// Creating revision files: what `revision` and `merge` write.
#include "db/migrations/migration_error.hpp"
#include "db/migrations/revision_graph.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::db::migrations {

// Twelve random hex digits no revision of the graph uses, as Alembic makes them.
std::string fresh_revision_id(const RevisionGraph& graph);

// "<id>_<message as lowercase words joined by '_', at most 40 characters>.sql"
std::string revision_file_name(std::string_view id, std::string_view message);

// Writes a new revision with empty upgrade and downgrade sections into `versions_dir` and returns
// its path. Refuses a message that is empty or spans lines, and never overwrites a file.
Outcome<std::filesystem::path> write_new_revision(const std::filesystem::path& versions_dir, const RevisionGraph& graph,
                                                  std::vector<std::string> down_revisions, const std::string& message);

}  // namespace coffeehouse::db::migrations
