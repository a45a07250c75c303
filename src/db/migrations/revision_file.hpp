#pragma once
// The text format of a revision file:
//
//   -- revision: 2b3c4d5e6f7a
//   -- down_revision: 1a2b3c4d5e6f          (empty for a base; "a, b" for a merge point)
//   -- message: add users.surname
//   -- create_date: 2026-11-25 08:10:00     (optional)
//
//   -- upgrade
//   ALTER TABLE users ADD COLUMN surname VARCHAR(50);
//
//   -- downgrade
//   ALTER TABLE users DROP COLUMN surname;
#include "db/migrations/migration_error.hpp"
#include "db/migrations/revision.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace coffeehouse::db::migrations {

// Parses one file's text; `path` is recorded in the revision and names the file in errors.
Outcome<Revision> parse_revision_file(std::string_view text, const std::filesystem::path& path);

// The file text for a revision; parse_revision_file reads it back unchanged.
std::string render_revision_file(const Revision& revision);

// Revision ids are stored in alembic_version.version_num VARCHAR(32) and printed into SQL
// scripts, so they are limited to letters, digits and '_' (at most 32), and may not be one of
// the words targets use ("head", "heads", "base").
bool is_valid_revision_id(std::string_view id) noexcept;

}  // namespace coffeehouse::db::migrations
