#include "db/migrations/commands.hpp"
#include "db/migrations/revision_format.hpp"
#include "db/migrations/versions_directory.hpp"

#include <ostream>

namespace coffeehouse::db::migrations {

Outcome<void> history(const std::filesystem::path& versions_dir, std::ostream& out) {
  auto graph = load_versions_directory(versions_dir);
  if (!graph) return graph.error();
  for (const auto& id : graph->newest_first()) out << history_line(*graph, graph->at(id)) << '\n';
  return {};
}

Outcome<void> heads(const std::filesystem::path& versions_dir, std::ostream& out) {
  auto graph = load_versions_directory(versions_dir);
  if (!graph) return graph.error();
  for (const auto& id : graph->heads()) {
    const auto& revision = graph->at(id);
    out << with_markers(*graph, revision) << ", " << revision.message << '\n';
  }
  return {};
}

Outcome<void> branches(const std::filesystem::path& versions_dir, std::ostream& out) {
  auto graph = load_versions_directory(versions_dir);
  if (!graph) return graph.error();
  for (const auto& id : graph->newest_first()) {
    if (!graph->is_branch_point(id)) continue;
    const auto& revision = graph->at(id);
    out << with_markers(*graph, revision) << ", " << revision.message << '\n';
    // Children are indented under the branch point's id, as Alembic lays them out.
    const std::string indent(id.size(), ' ');
    for (const auto& child_id : graph->children(id)) {
      const auto& child = graph->at(child_id);
      out << indent << " -> " << with_markers(*graph, child) << ", " << child.message << '\n';
    }
  }
  return {};
}

}  // namespace coffeehouse::db::migrations
