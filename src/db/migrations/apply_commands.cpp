#include "db/migrations/commands.hpp"
#include "db/migrations/migration_session.hpp"
#include "db/migrations/planner.hpp"
#include "db/migrations/revision_format.hpp"
#include "db/migrations/sql_script.hpp"
#include "db/migrations/text.hpp"
#include "db/migrations/versions_directory.hpp"

#include <ostream>

namespace coffeehouse::db::migrations {
namespace {

// Shared by upgrade and downgrade once the target is known to be valid: `make_plan` turns the
// current rows into a plan.
template <class MakePlan>
Outcome<void> migrate(const DatabaseSettings& settings, SqlMode mode, std::ostream& out, MakePlan make_plan) {
  auto session = MigrationSession::open(settings.database_url);
  if (!session) return session.error();
  if (mode == SqlMode::print_only) {
    auto exists = session->version_table_exists();
    if (!exists) return exists.error();
    auto rows = session->version_rows();
    if (!rows) return rows.error();
    auto plan = make_plan(*rows);
    if (!plan) return plan.error();
    out << sql_script(*plan, !*exists);
    return {};
  }
  // Everything from reading the rows to the last step happens under the lock, so a concurrent
  // migrator can neither change the rows under the plan nor race to create the table.
  if (auto locked = session->lock_migrations(); !locked) return locked.error();
  auto rows = session->version_rows();
  if (!rows) return rows.error();
  auto plan = make_plan(*rows);
  if (!plan) return plan.error();
  if (plan->steps.empty()) return {};
  auto exists = session->version_table_exists();
  if (!exists) return exists.error();
  if (!*exists) {
    if (auto created = session->create_version_table(); !created) return created.error();
  }
  for (const auto& step : plan->steps) {
    out << describe_step(step) << '\n' << std::flush;
    if (auto ran = session->run_step(step); !ran) return ran.error();
  }
  return {};
}

Outcome<std::vector<std::string>> read_rows(const DatabaseSettings& settings) {
  auto session = MigrationSession::open(settings.database_url);
  if (!session) return session.error();
  return session->version_rows();
}

}  // namespace

Outcome<void> upgrade(const DatabaseSettings& settings, const std::string& target, SqlMode mode, std::ostream& out) {
  auto graph = load_versions_directory(settings.versions_dir);
  if (!graph) return graph.error();
  auto parsed = parse_upgrade_target(*graph, target);
  if (!parsed) return parsed.error();
  return migrate(settings, mode, out,
                 [&](const std::vector<std::string>& rows) { return plan_upgrade(*graph, rows, *parsed); });
}

Outcome<void> downgrade(const DatabaseSettings& settings, const std::string& target, SqlMode mode, std::ostream& out) {
  auto graph = load_versions_directory(settings.versions_dir);
  if (!graph) return graph.error();
  auto parsed = parse_downgrade_target(*graph, target);
  if (!parsed) return parsed.error();
  return migrate(settings, mode, out,
                 [&](const std::vector<std::string>& rows) { return plan_downgrade(*graph, rows, *parsed); });
}

Outcome<void> current(const DatabaseSettings& settings, std::ostream& out) {
  auto graph = load_versions_directory(settings.versions_dir);
  if (!graph) return graph.error();
  auto rows = read_rows(settings);
  if (!rows) return rows.error();
  if (auto checked = check_version_rows(*graph, *rows); !checked) return checked.error();
  for (const auto& row : *rows) {
    const auto& revision = graph->at(row);
    out << with_markers(*graph, revision) << ", " << revision.message << '\n';
  }
  return {};
}

Outcome<void> check(const DatabaseSettings& settings, std::ostream& out) {
  auto graph = load_versions_directory(settings.versions_dir);
  if (!graph) return graph.error();
  auto rows = read_rows(settings);
  if (!rows) return rows.error();
  if (*rows != graph->heads()) {
    return fail("database is not at the heads: alembic_version holds " + describe_rows(*rows) + ", the heads are " +
                join(graph->heads()) + "; run 'coffeehouse migrate upgrade heads'");
  }
  out << "Database is at the heads: " << describe_rows(*rows) << '\n';
  return {};
}

}  // namespace coffeehouse::db::migrations
