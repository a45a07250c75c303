#include "db/migrations/planner.hpp"

#include "db/migrations/text.hpp"

#include <algorithm>

namespace coffeehouse::db::migrations {
namespace {

template <class ChangesFor>
Plan simulate(const RevisionGraph& graph, const std::vector<std::string>& rows, const std::vector<std::string>& order,
              Direction direction, ChangesFor changes_for) {
  Plan plan;
  RevisionSet current(rows.begin(), rows.end());
  for (const auto& id : order) {
    const auto& revision = graph.at(id);
    auto changes = changes_for(current, revision);
    apply_changes(current, changes);
    plan.steps.push_back({&revision, direction, std::move(changes)});
  }
  plan.final_rows.assign(current.begin(), current.end());
  return plan;
}

MigrationError too_few_steps(char sign, std::size_t wanted, std::size_t available) {
  const auto count = std::to_string(wanted);
  return fail("Relative revision " + std::string(1, sign) + count + " didn't produce " + count + " migrations (only " +
              std::to_string(available) + " available)");
}

}  // namespace

Outcome<void> check_version_rows(const RevisionGraph& graph, const std::vector<std::string>& rows) {
  for (const auto& row : rows) {
    if (!graph.contains(row)) {
      return fail("alembic_version holds '" + row + "', which is not a revision in the versions directory");
    }
  }
  for (const auto& row : rows) {
    for (const auto& other : rows) {
      if (row != other && graph.ancestors({other}).contains(row)) {
        return fail("alembic_version is inconsistent: it holds both '" + row + "' and its descendant '" + other + "'");
      }
    }
  }
  return {};
}

Outcome<Plan> plan_upgrade(const RevisionGraph& graph, const std::vector<std::string>& rows,
                           const UpgradeTarget& target) {
  if (auto checked = check_version_rows(graph, rows); !checked) return checked.error();
  const auto applied = graph.ancestors(rows);
  std::vector<std::string> order;
  if (const auto* to = std::get_if<UpgradeTo>(&target)) {
    order = graph.parents_first(to->revisions, applied);
  } else {
    const auto& by = std::get<UpgradeBy>(target);
    order = graph.parents_first({by.head}, applied);
    if (order.size() < by.steps) return too_few_steps('+', by.steps, order.size());
    order.resize(by.steps);
  }
  return simulate(graph, rows, order, Direction::upgrade, changes_for_upgrade);
}

Outcome<Plan> plan_downgrade(const RevisionGraph& graph, const std::vector<std::string>& rows,
                             const DowngradeTarget& target) {
  if (auto checked = check_version_rows(graph, rows); !checked) return checked.error();
  auto sorted_rows = rows;
  std::sort(sorted_rows.begin(), sorted_rows.end());
  auto order = graph.parents_first(sorted_rows, {});
  std::reverse(order.begin(), order.end());

  if (const auto* to = std::get_if<DowngradeTo>(&target)) {
    if (std::find(order.begin(), order.end(), to->revision) == order.end()) {
      return fail("Destination " + to->revision + " is not a valid downgrade target from current head(s) (" +
                  describe_rows(sorted_rows) + "): it is not applied");
    }
    auto depends_on_target = graph.descendants(to->revision);
    depends_on_target.erase(to->revision);
    std::erase_if(order, [&](const std::string& id) { return !depends_on_target.contains(id); });
  } else if (const auto* by = std::get_if<DowngradeBy>(&target)) {
    if (order.size() < by->steps) return too_few_steps('-', by->steps, order.size());
    order.resize(by->steps);
  }
  return simulate(graph, rows, order, Direction::downgrade,
                  [&graph](const RevisionSet& current, const Revision& revision) {
                    return changes_for_downgrade(graph, current, revision);
                  });
}

}  // namespace coffeehouse::db::migrations
