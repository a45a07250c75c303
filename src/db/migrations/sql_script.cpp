#include "db/migrations/sql_script.hpp"

#include "db/migrations/text.hpp"
#include "db/migrations/version_table.hpp"

namespace coffeehouse::db::migrations {
namespace {

std::string_view verb(Direction direction) { return direction == Direction::upgrade ? "upgrade" : "downgrade"; }

}  // namespace

std::string describe_step(const MigrationStep& step) {
  const auto& revision = *step.revision;
  const auto parents = join(revision.down_revisions);
  const auto& from = step.direction == Direction::upgrade ? parents : revision.id;
  const auto& to = step.direction == Direction::upgrade ? revision.id : parents;
  return "Running " + std::string(verb(step.direction)) + " " + from + " -> " + to + ", " + revision.message;
}

std::string describe_step_briefly(const MigrationStep& step) {
  return std::string(verb(step.direction)) + " " + step.revision->id + " (" + step.revision->message + ")";
}

std::string sql_script(const Plan& plan, bool create_version_table) {
  std::string script;
  if (create_version_table && !plan.steps.empty()) script += std::string(version_table::create_sql) + ";\n\n";
  for (const auto& step : plan.steps) {
    const auto& sql = step.direction == Direction::upgrade ? step.revision->upgrade_sql : step.revision->downgrade_sql;
    script += "-- " + describe_step(step) + "\n\nBEGIN;\n\n";
    if (!sql.empty()) script += sql + "\n\n";
    for (const auto& change : step.version_changes) {
      script += version_table::with_literals(version_table::statement_for(change)) + ";\n\n";
    }
    script += "COMMIT;\n\n";
  }
  return script;
}

}  // namespace coffeehouse::db::migrations
