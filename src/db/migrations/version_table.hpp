#pragma once
// The alembic_version table, exactly as Alembic creates and changes it, so that Alembic and this
// tool can take turns on one database. Every statement the migrator runs besides the revisions'
// own SQL is here: the table's, and the migration lock's.
#include "db/migrations/version_changes.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::db::migrations::version_table {

inline constexpr std::string_view create_sql =
    "CREATE TABLE alembic_version (\n"
    "    version_num VARCHAR(32) NOT NULL,\n"
    "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
    ")";
// Resolved through search_path, like the unqualified name in every other statement.
inline constexpr std::string_view exists_sql = "SELECT to_regclass('alembic_version') IS NOT NULL";
inline constexpr std::string_view select_rows_sql = "SELECT version_num FROM alembic_version";

// A session-level advisory lock every migrator takes before it reads the rows. The key is fixed
// ("coffeeho" in ASCII) so that separate processes, and separate releases of the binary, agree.
inline constexpr std::string_view migration_lock_key = "7165058122143590511";
inline constexpr std::string_view lock_sql = "SELECT pg_advisory_lock($1::bigint)";

// One statement with its parameters ($1, $2) kept apart from the text.
struct Statement {
  std::string_view sql;
  std::vector<std::string> params;
};

Statement statement_for(const VersionChange& change);

// The statement with its parameters written in as SQL string literals, for `--sql` scripts.
std::string with_literals(const Statement& statement);

}  // namespace coffeehouse::db::migrations::version_table
