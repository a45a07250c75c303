#pragma once
// How alembic_version changes when one revision is applied or unapplied. The table holds one row
// per applied head, and Alembic keeps it that way with the smallest change:
//   upgrade r, none of r's parents is a row  -> INSERT r          (a base, or a second branch entered)
//   upgrade r, one parent is a row           -> UPDATE parent -> r
//   upgrade a merge point, several parents   -> DELETE all but the last such parent, UPDATE it -> r
//   downgrade r, its parents are still needed by another row (or r is a base)  -> DELETE r
//   downgrade r, otherwise                   -> UPDATE r -> its last such parent, INSERT the others
//                                               (across a merge point one row becomes two)
#include "db/migrations/revision_graph.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace coffeehouse::db::migrations {

struct VersionChange {
  enum class Kind : std::uint8_t { insert, update, remove };
  Kind kind = Kind::insert;
  std::string from;  // the row updated or deleted
  std::string to;    // the row inserted, or the new value of the updated row

  bool operator==(const VersionChange&) const = default;
};

VersionChange insert_row(std::string to);
VersionChange update_row(std::string from, std::string to);
VersionChange remove_row(std::string from);

// `rows` is alembic_version before the step; it must be consistent with the graph (see
// check_version_rows), so no row is an ancestor of another.
std::vector<VersionChange> changes_for_upgrade(const RevisionSet& rows, const Revision& revision);
std::vector<VersionChange> changes_for_downgrade(const RevisionGraph& graph, const RevisionSet& rows,
                                                 const Revision& revision);

void apply_changes(RevisionSet& rows, const std::vector<VersionChange>& changes);

}  // namespace coffeehouse::db::migrations
