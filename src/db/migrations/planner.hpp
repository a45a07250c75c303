#pragma once
// From (graph, alembic_version rows, target) to the ordered steps that reach the target, each with
// its alembic_version changes. Pure: no database, so every branch/merge case is unit-testable.
#include "db/migrations/migration_error.hpp"
#include "db/migrations/revision_graph.hpp"
#include "db/migrations/targets.hpp"
#include "db/migrations/version_changes.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace coffeehouse::db::migrations {

enum class Direction : std::uint8_t { upgrade, downgrade };

struct MigrationStep {
  const Revision* revision = nullptr;  // owned by the graph the plan was made from
  Direction direction = Direction::upgrade;
  std::vector<VersionChange> version_changes;
};

struct Plan {
  std::vector<MigrationStep> steps;
  std::vector<std::string> final_rows;  // alembic_version after the last step, sorted
};

// Every row must be a revision of the graph, and no row an ancestor of another (then it would
// not be a head of what is applied).
Outcome<void> check_version_rows(const RevisionGraph& graph, const std::vector<std::string>& rows);

// Parents before children; for `heads`, one target after another in id order, each branch run
// through before the next one starts.
Outcome<Plan> plan_upgrade(const RevisionGraph& graph, const std::vector<std::string>& rows,
                           const UpgradeTarget& target);

// Children before parents: the reverse of the order an upgrade to the current rows would take.
Outcome<Plan> plan_downgrade(const RevisionGraph& graph, const std::vector<std::string>& rows,
                             const DowngradeTarget& target);

}  // namespace coffeehouse::db::migrations
