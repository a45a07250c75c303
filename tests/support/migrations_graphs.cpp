#include "support/migrations_graphs.hpp"

#include <stdexcept>

namespace coffeehouse::testing {

db::migrations::Outcome<db::migrations::RevisionGraph> try_graph(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& revisions) {
  std::vector<db::migrations::Revision> built;
  for (const auto& [id, parents] : revisions) {
    db::migrations::Revision revision;
    revision.id = id;
    revision.down_revisions = parents;
    revision.message = id;
    revision.path = id + ".sql";
    built.push_back(std::move(revision));
  }
  return db::migrations::RevisionGraph::build(std::move(built));
}

db::migrations::RevisionGraph graph_of(const std::vector<std::pair<std::string, std::vector<std::string>>>& revisions) {
  auto graph = try_graph(revisions);
  if (!graph) throw std::runtime_error(graph.error().message);
  return std::move(*graph);
}

db::migrations::RevisionGraph diamond() {
  return graph_of(
      {{"init", {}}, {"surname", {"init"}}, {"patronomic", {"init"}}, {"merge", {"surname", "patronomic"}}});
}

}  // namespace coffeehouse::testing
