#pragma once
// How the inspection commands print a revision, with Alembic's markers.
#include "db/migrations/revision_graph.hpp"

#include <string>

namespace coffeehouse::db::migrations {

// "4d5e6f7a8b9c (head) (mergepoint)": the id and whichever of (head), (branchpoint), (mergepoint)
// apply.
std::string with_markers(const RevisionGraph& graph, const Revision& revision);

// "2b3c4d5e6f7a, 3c4d5e6f7a8b -> 4d5e6f7a8b9c (head) (mergepoint), merge ...": one line of
// `history`; a base revises "<base>".
std::string history_line(const RevisionGraph& graph, const Revision& revision);

}  // namespace coffeehouse::db::migrations
