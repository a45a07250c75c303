#include "db/migrations/version_changes.hpp"

namespace coffeehouse::db::migrations {

VersionChange insert_row(std::string to) { return {VersionChange::Kind::insert, {}, std::move(to)}; }
VersionChange update_row(std::string from, std::string to) {
  return {VersionChange::Kind::update, std::move(from), std::move(to)};
}
VersionChange remove_row(std::string from) { return {VersionChange::Kind::remove, std::move(from), {}}; }

std::vector<VersionChange> changes_for_upgrade(const RevisionSet& rows, const Revision& revision) {
  std::vector<std::string> parent_rows;
  for (const auto& parent : revision.down_revisions) {
    if (rows.contains(parent)) parent_rows.push_back(parent);
  }
  if (parent_rows.empty()) return {insert_row(revision.id)};
  std::vector<VersionChange> changes;
  for (std::size_t index = 0; index + 1 < parent_rows.size(); ++index)
    changes.push_back(remove_row(parent_rows[index]));
  changes.push_back(update_row(parent_rows.back(), revision.id));
  return changes;
}

std::vector<VersionChange> changes_for_downgrade(const RevisionGraph& graph, const RevisionSet& rows,
                                                 const Revision& revision) {
  std::vector<std::string> other_rows;
  for (const auto& row : rows) {
    if (row != revision.id) other_rows.push_back(row);
  }
  // A parent another row depends on is represented by that row already: it gets no row of its own.
  const auto still_needed = graph.ancestors(other_rows);
  std::vector<std::string> uncovered_parents;
  for (const auto& parent : revision.down_revisions) {
    if (!still_needed.contains(parent)) uncovered_parents.push_back(parent);
  }
  if (uncovered_parents.empty()) return {remove_row(revision.id)};
  std::vector<VersionChange> changes;
  for (std::size_t index = 0; index + 1 < uncovered_parents.size(); ++index) {
    changes.push_back(insert_row(uncovered_parents[index]));
  }
  changes.push_back(update_row(revision.id, uncovered_parents.back()));
  return changes;
}

void apply_changes(RevisionSet& rows, const std::vector<VersionChange>& changes) {
  for (const auto& change : changes) {
    if (change.kind != VersionChange::Kind::insert) rows.erase(change.from);
    if (change.kind != VersionChange::Kind::remove) rows.insert(change.to);
  }
}

}  // namespace coffeehouse::db::migrations
