// The planner without a database: which revisions run, in which order, and exactly how
// alembic_version changes at each step (Alembic's INSERT / UPDATE / DELETE rules).
#include "db/migrations/planner.hpp"
#include "support/migrations_graphs.hpp"

#include <gtest/gtest.h>

namespace {

namespace migrations = coffeehouse::db::migrations;
using coffeehouse::testing::diamond;
using coffeehouse::testing::graph_of;
using migrations::Direction;
using migrations::insert_row;
using migrations::remove_row;
using migrations::update_row;
using migrations::VersionChange;
using Ids = std::vector<std::string>;
using Changes = std::vector<VersionChange>;

// The plan points into `graph`: keep the graph alive as long as the plan.
migrations::Plan upgrade(const migrations::RevisionGraph& graph, const Ids& rows, const std::string& target) {
  auto parsed = migrations::parse_upgrade_target(graph, target);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  auto plan = migrations::plan_upgrade(graph, rows, *parsed);
  if (!plan) throw std::runtime_error(plan.error().message);
  return std::move(*plan);
}

migrations::Plan downgrade(const migrations::RevisionGraph& graph, const Ids& rows, const std::string& target) {
  auto parsed = migrations::parse_downgrade_target(graph, target);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  auto plan = migrations::plan_downgrade(graph, rows, *parsed);
  if (!plan) throw std::runtime_error(plan.error().message);
  return std::move(*plan);
}

std::string upgrade_error(const migrations::RevisionGraph& graph, const Ids& rows, const std::string& target) {
  auto parsed = migrations::parse_upgrade_target(graph, target);
  if (!parsed) return parsed.error().message;
  auto plan = migrations::plan_upgrade(graph, rows, *parsed);
  return plan ? "no error" : plan.error().message;
}

std::string downgrade_error(const migrations::RevisionGraph& graph, const Ids& rows, const std::string& target) {
  auto parsed = migrations::parse_downgrade_target(graph, target);
  if (!parsed) return parsed.error().message;
  auto plan = migrations::plan_downgrade(graph, rows, *parsed);
  return plan ? "no error" : plan.error().message;
}

Ids step_ids(const migrations::Plan& plan) {
  Ids ids;
  for (const auto& step : plan.steps) ids.push_back(step.revision->id);
  return ids;
}

TEST(MigrationsPlanner, UpgradeHeadFromEmptyRunsParentsFirstAndEndsOnTheMerge) {
  const auto graph = diamond();
  const auto plan = upgrade(graph, {}, "head");
  EXPECT_EQ(step_ids(plan), (Ids{"init", "surname", "patronomic", "merge"}));
  EXPECT_EQ(plan.final_rows, Ids{"merge"});
  for (const auto& step : plan.steps) EXPECT_EQ(step.direction, Direction::upgrade);
}

TEST(MigrationsPlanner, VersionRowsChangeAsAlembicChangesThemAcrossBranchAndMerge) {
  const auto graph = diamond();
  const auto plan = upgrade(graph, {}, "head");
  ASSERT_EQ(plan.steps.size(), 4U);
  EXPECT_EQ(plan.steps[0].version_changes, Changes{insert_row("init")});
  EXPECT_EQ(plan.steps[1].version_changes, Changes{update_row("init", "surname")});
  // init's row became surname's, so entering the second branch needs a row of its own.
  EXPECT_EQ(plan.steps[2].version_changes, Changes{insert_row("patronomic")});
  // Crossing the merge: the first parent's row goes, the last parent's row becomes the merge.
  EXPECT_EQ(plan.steps[3].version_changes, (Changes{remove_row("surname"), update_row("patronomic", "merge")}));
}

TEST(MigrationsPlanner, EnteringASecondBranchFromAnAppliedRevisionInserts) {
  const auto graph = diamond();
  const auto plan = upgrade(graph, {"surname"}, "patronomic");
  EXPECT_EQ(step_ids(plan), Ids{"patronomic"});
  EXPECT_EQ(plan.steps[0].version_changes, Changes{insert_row("patronomic")});
  EXPECT_EQ(plan.final_rows, (Ids{"patronomic", "surname"}));
}

TEST(MigrationsPlanner, UpgradeHeadsOnTwoBranchesLeavesOneRowPerHead) {
  const auto graph = graph_of({{"init", {}}, {"surname", {"init"}}, {"patronomic", {"init"}}});
  const auto plan = upgrade(graph, {}, "heads");
  EXPECT_EQ(step_ids(plan), (Ids{"init", "patronomic", "surname"}));
  EXPECT_EQ(plan.final_rows, (Ids{"patronomic", "surname"}));
}

TEST(MigrationsPlanner, UpgradeToARevisionRunsOnlyWhatItDependsOn) {
  const auto graph = diamond();
  const auto plan = upgrade(graph, {}, "surname");
  EXPECT_EQ(step_ids(plan), (Ids{"init", "surname"}));
  EXPECT_EQ(plan.final_rows, Ids{"surname"});
}

TEST(MigrationsPlanner, UpgradeFromOneBranchRunsTheOtherBeforeTheMerge) {
  const auto graph = diamond();
  const auto plan = upgrade(graph, {"patronomic"}, "head");
  EXPECT_EQ(step_ids(plan), (Ids{"surname", "merge"}));
  EXPECT_EQ(plan.steps[0].version_changes, Changes{insert_row("surname")});
  EXPECT_EQ(plan.steps[1].version_changes, (Changes{remove_row("surname"), update_row("patronomic", "merge")}));
}

TEST(MigrationsPlanner, MergeWithOneParentRowUpdatesIt) {
  // The other parent is applied but represented by a row further along its branch.
  const auto graph = graph_of({{"a", {}}, {"b", {"a"}}, {"c", {"a"}}, {"m", {"a", "b"}}});
  const auto plan = upgrade(graph, {"b", "c"}, "m");
  EXPECT_EQ(plan.steps[0].version_changes, Changes{update_row("b", "m")});
  EXPECT_EQ(plan.final_rows, (Ids{"c", "m"}));
}

TEST(MigrationsPlanner, UpgradeAtTheTargetIsEmpty) {
  EXPECT_TRUE(upgrade(diamond(), {"merge"}, "heads").steps.empty());
  EXPECT_TRUE(upgrade(diamond(), {"merge"}, "surname").steps.empty());
}

TEST(MigrationsPlanner, RelativeUpgradeTakesTheFirstStepsTowardsTheHead) {
  const auto graph = diamond();
  const auto plan = upgrade(graph, {"init"}, "+2");
  EXPECT_EQ(step_ids(plan), (Ids{"surname", "patronomic"}));
  EXPECT_EQ(plan.final_rows, (Ids{"patronomic", "surname"}));
}

TEST(MigrationsPlanner, RelativeUpgradePastTheHeadIsRefused) {
  EXPECT_EQ(upgrade_error(diamond(), {"surname", "patronomic"}, "+2"),
            "Relative revision +2 didn't produce 2 migrations (only 1 available)");
}

TEST(MigrationsPlanner, UpgradeHeadWithSeveralHeadsIsRefused) {
  const auto graph = graph_of({{"init", {}}, {"surname", {"init"}}, {"patronomic", {"init"}}});
  EXPECT_EQ(upgrade_error(graph, {}, "head"),
            "Multiple head revisions are present for given argument 'head'; please specify a specific target "
            "revision, or 'heads' for all heads, or join them with 'coffeehouse migrate merge -m MESSAGE heads' "
            "(heads: patronomic, surname)");
  EXPECT_NE(upgrade_error(graph, {}, "+1").find("Multiple head revisions are present for given argument '+1'"),
            std::string::npos);
}

TEST(MigrationsPlanner, UpgradeTargetsAreResolvedByPrefix) {
  EXPECT_EQ(step_ids(upgrade(diamond(), {}, "sur")), (Ids{"init", "surname"}));
  EXPECT_EQ(upgrade_error(diamond(), {}, "xyz"), "Can't locate revision identified by 'xyz'");
}

TEST(MigrationsPlanner, DowngradeTargetsAreRefusedByUpgradeAndTheOtherWayRound) {
  EXPECT_EQ(upgrade_error(diamond(), {}, "-1"),
            "'-1' is a downgrade target; upgrade takes head, heads, +N or a revision");
  EXPECT_EQ(downgrade_error(diamond(), {"merge"}, "heads"),
            "'heads' is an upgrade target; downgrade takes -N, base or a revision");
}

TEST(MigrationsPlanner, DowngradeAcrossTheMergeTurnsOneRowIntoTwo) {
  const auto graph = diamond();
  const auto plan = downgrade(graph, {"merge"}, "-1");
  EXPECT_EQ(step_ids(plan), Ids{"merge"});
  EXPECT_EQ(plan.steps[0].direction, Direction::downgrade);
  EXPECT_EQ(plan.steps[0].version_changes, (Changes{insert_row("surname"), update_row("merge", "patronomic")}));
  EXPECT_EQ(plan.final_rows, (Ids{"patronomic", "surname"}));
}

TEST(MigrationsPlanner, DowngradeClosingABranchDeletesItsRow) {
  const auto graph = diamond();
  const auto plan = downgrade(graph, {"patronomic", "surname"}, "-1");
  EXPECT_EQ(step_ids(plan), Ids{"surname"});
  // init is still needed by patronomic's row, so surname's row just goes.
  EXPECT_EQ(plan.steps[0].version_changes, Changes{remove_row("surname")});
  EXPECT_EQ(plan.final_rows, Ids{"patronomic"});
}

TEST(MigrationsPlanner, DowngradeToBaseUnappliesEverythingChildrenFirst) {
  const auto graph = diamond();
  const auto plan = downgrade(graph, {"merge"}, "base");
  EXPECT_EQ(step_ids(plan), (Ids{"merge", "patronomic", "surname", "init"}));
  EXPECT_EQ(plan.steps[1].version_changes, Changes{remove_row("patronomic")});
  EXPECT_EQ(plan.steps[2].version_changes, Changes{update_row("surname", "init")});
  EXPECT_EQ(plan.steps[3].version_changes, Changes{remove_row("init")});
  EXPECT_TRUE(plan.final_rows.empty());
}

TEST(MigrationsPlanner, DowngradeToARevisionUnappliesOnlyWhatDependsOnIt) {
  const auto graph = diamond();
  const auto plan = downgrade(graph, {"merge"}, "surname");
  EXPECT_EQ(step_ids(plan), Ids{"merge"});
  EXPECT_EQ(plan.final_rows, (Ids{"patronomic", "surname"}));
}

TEST(MigrationsPlanner, DowngradeToAnUnappliedRevisionIsRefused) {
  EXPECT_EQ(downgrade_error(diamond(), {"surname"}, "patronomic"),
            "Destination patronomic is not a valid downgrade target from current head(s) (surname): it is not applied");
}

TEST(MigrationsPlanner, RelativeDowngradePastTheBaseIsRefused) {
  EXPECT_EQ(downgrade_error(diamond(), {"init"}, "-2"),
            "Relative revision -2 didn't produce 2 migrations (only 1 available)");
  EXPECT_EQ(downgrade_error(diamond(), {}, "-1"),
            "Relative revision -1 didn't produce 1 migrations (only 0 available)");
}

TEST(MigrationsPlanner, UnknownVersionRowIsReported) {
  EXPECT_EQ(upgrade_error(diamond(), {"deadbeef"}, "heads"),
            "alembic_version holds 'deadbeef', which is not a revision in the versions directory");
}

TEST(MigrationsPlanner, VersionRowsThatAreAncestorsOfEachOtherAreReported) {
  EXPECT_EQ(downgrade_error(diamond(), {"init", "surname"}, "base"),
            "alembic_version is inconsistent: it holds both 'init' and its descendant 'surname'");
}

}  // namespace
