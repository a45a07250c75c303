#pragma once
// What a plan looks like to a reader: Alembic's "Running upgrade a -> b, message" lines, and the
// SQL script `--sql` prints instead of running anything.
#include "db/migrations/planner.hpp"

#include <string>

namespace coffeehouse::db::migrations {

// "Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f7a, add users.surname"; a base's missing parent
// is empty ("Running upgrade  -> 1a2b3c4d5e6f, ..."), as Alembic prints it.
std::string describe_step(const MigrationStep& step);

// "upgrade 2b3c4d5e6f7a (add users.surname)": how an error names the step.
std::string describe_step_briefly(const MigrationStep& step);

// Each step as its own BEGIN ... COMMIT block holding the revision's SQL and its alembic_version
// statements, preceded by the CREATE TABLE when the database does not have the table yet.
std::string sql_script(const Plan& plan, bool create_version_table);

}  // namespace coffeehouse::db::migrations
