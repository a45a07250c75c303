#pragma once
// One blocking libpq connection used by `coffeehouse migrate`. It runs in the CLI, never on a
// server io thread, so PQexec is the right tool: nothing else waits on this thread.
#include "db/migrations/migration_error.hpp"
#include "db/migrations/planner.hpp"
#include "db/migrations/version_table.hpp"
#include "db/pg_handles.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::db::migrations {

class MigrationSession {
 public:
  static Outcome<MigrationSession> open(const std::string& database_url);

  // Waits until no other `coffeehouse migrate` holds the migration lock, then holds it until the
  // session closes. Two upgrades started together thus run one after the other, and the second
  // plans from what the first left behind.
  Outcome<void> lock_migrations();

  Outcome<bool> version_table_exists();
  // alembic_version's rows, sorted; none when the table does not exist yet.
  Outcome<std::vector<std::string>> version_rows();
  Outcome<void> create_version_table();

  // The step's SQL and its alembic_version changes in one transaction: PostgreSQL's DDL is
  // transactional, so a step that fails leaves nothing of itself behind. The error names the
  // revision and carries PostgreSQL's message.
  Outcome<void> run_step(const MigrationStep& step);

 private:
  explicit MigrationSession(PgConnPtr conn) : conn_(std::move(conn)) {}

  // Runs `sql` (one or several statements, or none) and returns the number of rows it affected.
  Outcome<long> execute(std::string_view sql);
  Outcome<long> execute(const version_table::Statement& statement);
  Outcome<void> run_step_statements(const MigrationStep& step);

  PgConnPtr conn_;
};

}  // namespace coffeehouse::db::migrations
