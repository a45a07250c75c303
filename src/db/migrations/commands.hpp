#pragma once
// The `coffeehouse migrate` subcommands, one function each, named as Alembic names them. They
// write their normal output to `out` and return what went wrong as a value; the CLI prints that
// as one line on stderr and exits 1.
#include "db/migrations/migration_error.hpp"

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace coffeehouse::db::migrations {

struct DatabaseSettings {
  std::string database_url;
  std::filesystem::path versions_dir;
};

enum class SqlMode : bool { run, print_only };

// Database commands (apply_commands.cpp). The versions directory and the target are checked
// before the database is contacted.
Outcome<void> upgrade(const DatabaseSettings& settings, const std::string& target, SqlMode mode, std::ostream& out);
Outcome<void> downgrade(const DatabaseSettings& settings, const std::string& target, SqlMode mode, std::ostream& out);
Outcome<void> current(const DatabaseSettings& settings, std::ostream& out);
// Fails unless alembic_version holds exactly the heads of the versions directory.
Outcome<void> check(const DatabaseSettings& settings, std::ostream& out);

// Versions-directory commands (graph_commands.cpp).
Outcome<void> history(const std::filesystem::path& versions_dir, std::ostream& out);
Outcome<void> heads(const std::filesystem::path& versions_dir, std::ostream& out);
Outcome<void> branches(const std::filesystem::path& versions_dir, std::ostream& out);

// Authoring commands (authoring_commands.cpp). `head` is a revision, "head" or "base"; without
// it the new revision follows the single head.
Outcome<void> revision(const std::filesystem::path& versions_dir, const std::string& message,
                       const std::optional<std::string>& head, std::ostream& out);
// `revisions` is {"heads"} or two or more revisions.
Outcome<void> merge(const std::filesystem::path& versions_dir, const std::string& message,
                    const std::vector<std::string>& revisions, std::ostream& out);

}  // namespace coffeehouse::db::migrations
