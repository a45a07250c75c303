#include "db/migrations/migration_session.hpp"

#include "db/conninfo.hpp"
#include "db/migrations/sql_script.hpp"
#include "db/rows.hpp"

#include <algorithm>
#include <chrono>

namespace coffeehouse::db::migrations {
namespace {

constexpr std::chrono::seconds connect_timeout{10};

// Error output is one line on stderr: libpq's messages may span several.
std::string one_line(std::string message) {
  std::replace(message.begin(), message.end(), '\n', ' ');
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return message;
}

Outcome<long> outcome_of(PgResultPtr result, PGconn* conn) {
  // PQexec reports SQL that is only comments or whitespace (a merge revision's empty section) as
  // an "empty query"; for a migration that is simply nothing to do.
  if (result && PQresultStatus(result.get()) == PGRES_EMPTY_QUERY) return 0L;
  const std::string affected = result ? PQcmdTuples(result.get()) : "";
  auto outcome = classify_result(std::move(result), conn);
  if (!outcome) return fail(one_line(outcome.error().message));
  return affected.empty() ? 0L : std::stol(affected);
}

}  // namespace

Outcome<MigrationSession> MigrationSession::open(const std::string& database_url) {
  if (database_url.empty()) return fail("no database: pass --database-url or set DATABASE_URL");
  if (const auto problem = conninfo_error(database_url); !problem.empty()) {
    return fail("invalid --database-url: " + one_line(problem));
  }
  auto conn = connect_blocking(database_url, connect_timeout);
  if (!conn) return fail("cannot connect to " + redact_conninfo(database_url) + ": out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return fail("cannot connect to " + redact_conninfo(database_url) + ": " + one_line(PQerrorMessage(conn.get())));
  }
  return MigrationSession(std::move(conn));
}

Outcome<long> MigrationSession::execute(std::string_view sql) {
  const std::string text(sql);
  return outcome_of(PgResultPtr(PQexec(conn_.get(), text.c_str())), conn_.get());
}

Outcome<long> MigrationSession::execute(const version_table::Statement& statement) {
  const std::string text(statement.sql);
  std::vector<const char*> values;
  for (const auto& param : statement.params) values.push_back(param.c_str());
  PgResultPtr result(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                  nullptr, nullptr, 0));
  return outcome_of(std::move(result), conn_.get());
}

Outcome<void> MigrationSession::lock_migrations() {
  auto locked =
      execute(version_table::Statement{version_table::lock_sql, {std::string(version_table::migration_lock_key)}});
  if (!locked) return fail("cannot take the migration lock: " + locked.error().message);
  return {};
}

Outcome<bool> MigrationSession::version_table_exists() {
  const std::string text(version_table::exists_sql);
  auto outcome = classify_result(PgResultPtr(PQexec(conn_.get(), text.c_str())), conn_.get());
  if (!outcome) return fail("cannot look for alembic_version: " + one_line(outcome.error().message));
  return outcome->boolean(0, 0);
}

Outcome<std::vector<std::string>> MigrationSession::version_rows() {
  auto exists = version_table_exists();
  if (!exists) return exists.error();
  if (!*exists) return std::vector<std::string>{};
  const std::string text(version_table::select_rows_sql);
  auto outcome = classify_result(PgResultPtr(PQexec(conn_.get(), text.c_str())), conn_.get());
  if (!outcome) return fail("cannot read alembic_version: " + one_line(outcome.error().message));
  std::vector<std::string> rows;
  for (int row = 0; row < outcome->size(); ++row) rows.emplace_back(outcome->text(row, 0));
  // Sorted here, byte-wise like the graph's heads, not by ORDER BY: the database's collation may
  // order '_' or upper case differently, and `check` compares the two lists.
  std::sort(rows.begin(), rows.end());
  return rows;
}

Outcome<void> MigrationSession::create_version_table() {
  auto created = execute(version_table::create_sql);
  if (!created) return fail("cannot create alembic_version: " + created.error().message);
  return {};
}

Outcome<void> MigrationSession::run_step_statements(const MigrationStep& step) {
  const auto& revision = *step.revision;
  auto ran = execute(step.direction == Direction::upgrade ? revision.upgrade_sql : revision.downgrade_sql);
  if (!ran) return ran.error();
  for (const auto& change : step.version_changes) {
    const auto statement = version_table::statement_for(change);
    auto affected = execute(statement);
    if (!affected) return affected.error();
    // Exactly one row or the table is not what the plan was made from (edited by hand meanwhile).
    if (*affected != 1) {
      return fail("expected to change one alembic_version row with '" + version_table::with_literals(statement) +
                  "', changed " + std::to_string(*affected));
    }
  }
  return {};
}

Outcome<void> MigrationSession::run_step(const MigrationStep& step) {
  const auto failed = [&step](const std::string& why) {
    return fail(describe_step_briefly(step) + " failed and was rolled back: " + why);
  };
  if (auto begun = execute("BEGIN"); !begun) return failed(begun.error().message);
  auto ran = run_step_statements(step);
  if (!ran) {
    // If the connection is gone the server rolls back by itself; the ROLLBACK's own result adds nothing.
    execute("ROLLBACK");
    return failed(ran.error().message);
  }
  if (auto committed = execute("COMMIT"); !committed) return failed(committed.error().message);
  return {};
}

}  // namespace coffeehouse::db::migrations
