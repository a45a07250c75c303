#include "db/migrations/revision_format.hpp"

#include "db/migrations/text.hpp"

namespace coffeehouse::db::migrations {

std::string with_markers(const RevisionGraph& graph, const Revision& revision) {
  std::string text = revision.id;
  if (graph.is_head(revision.id)) text += " (head)";
  if (graph.is_branch_point(revision.id)) text += " (branchpoint)";
  if (graph.is_merge_point(revision.id)) text += " (mergepoint)";
  return text;
}

std::string history_line(const RevisionGraph& graph, const Revision& revision) {
  const auto parents = revision.down_revisions.empty() ? std::string("<base>") : join(revision.down_revisions);
  return parents + " -> " + with_markers(graph, revision) + ", " + revision.message;
}

}  // namespace coffeehouse::db::migrations
