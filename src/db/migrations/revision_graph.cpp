#include "db/migrations/revision_graph.hpp"

#include "db/migrations/text.hpp"

#include <algorithm>
#include <stdexcept>

namespace coffeehouse::db::migrations {

Outcome<RevisionGraph> RevisionGraph::build(std::vector<Revision> revisions) {
  RevisionGraph graph;
  for (auto& revision : revisions) {
    if (const auto existing = graph.revisions_.find(revision.id); existing != graph.revisions_.end()) {
      return fail("duplicate revision id '" + revision.id + "' in " + existing->second.path.string() + " and " +
                  revision.path.string());
    }
    const auto id = revision.id;
    graph.revisions_.emplace(id, std::move(revision));
    graph.children_[id];
  }
  for (const auto& [id, revision] : graph.revisions_) {
    for (const auto& parent : revision.down_revisions) {
      if (!graph.revisions_.contains(parent)) {
        return fail("revision '" + id + "' (" + revision.path.string() + ") revises '" + parent +
                    "', which is not in the versions directory");
      }
      graph.children_[parent].push_back(id);
    }
  }
  if (auto acyclic = graph.check_no_cycles(); !acyclic) return acyclic.error();
  for (const auto& [id, children] : graph.children_) {
    if (children.empty()) graph.heads_.push_back(id);
  }
  return graph;
}

Outcome<void> RevisionGraph::check_no_cycles() const {
  enum class Mark : std::uint8_t { unvisited, on_path, done };
  std::map<std::string_view, Mark> marks;
  for (const auto& [id, revision] : revisions_) marks[id] = Mark::unvisited;

  // Iterative depth-first search along down_revision links; `path` is the current chain.
  struct Frame {
    std::string_view id;
    std::size_t next_parent = 0;
  };
  for (const auto& [start, start_revision] : revisions_) {
    if (marks[start] != Mark::unvisited) continue;
    std::vector<Frame> path{{start}};
    marks[start] = Mark::on_path;
    while (!path.empty()) {
      auto& frame = path.back();
      const auto& parents = at(frame.id).down_revisions;
      if (frame.next_parent == parents.size()) {
        marks[frame.id] = Mark::done;
        path.pop_back();
        continue;
      }
      const std::string_view parent = parents[frame.next_parent++];
      if (marks[parent] == Mark::on_path) {
        std::vector<std::string> cycle;
        auto from = std::find_if(path.begin(), path.end(), [&](const Frame& f) { return f.id == parent; });
        for (; from != path.end(); ++from) cycle.emplace_back(from->id);
        cycle.emplace_back(parent);
        return fail("revision cycle: " + join(cycle, " -> ") + " (each revises the next)");
      }
      if (marks[parent] == Mark::unvisited) {
        marks[parent] = Mark::on_path;
        path.push_back({parent});
      }
    }
  }
  return {};
}

const Revision& RevisionGraph::at(std::string_view id) const {
  const auto found = revisions_.find(id);
  if (found == revisions_.end()) throw std::out_of_range("no revision '" + std::string(id) + "'");
  return found->second;
}

const std::vector<std::string>& RevisionGraph::children(std::string_view id) const {
  const auto found = children_.find(id);
  if (found == children_.end()) throw std::out_of_range("no revision '" + std::string(id) + "'");
  return found->second;
}

Outcome<std::string> RevisionGraph::resolve(std::string_view id_or_prefix) const {
  if (contains(id_or_prefix)) return std::string(id_or_prefix);
  std::vector<std::string> matches;
  if (!id_or_prefix.empty()) {
    for (auto it = revisions_.lower_bound(id_or_prefix); it != revisions_.end() && it->first.starts_with(id_or_prefix);
         ++it) {
      matches.push_back(it->first);
    }
  }
  if (matches.empty()) return fail("Can't locate revision identified by '" + std::string(id_or_prefix) + "'");
  if (matches.size() > 1) {
    return fail("Ambiguous revision '" + std::string(id_or_prefix) + "': it starts " + join(matches) +
                "; give more characters");
  }
  return matches.front();
}

RevisionSet RevisionGraph::ancestors(const std::vector<std::string>& ids) const {
  RevisionSet found;
  std::vector<std::string_view> pending(ids.begin(), ids.end());
  while (!pending.empty()) {
    const auto id = pending.back();
    pending.pop_back();
    if (!found.emplace(id).second) continue;
    for (const auto& parent : at(id).down_revisions) pending.push_back(parent);
  }
  return found;
}

RevisionSet RevisionGraph::descendants(std::string_view id) const {
  RevisionSet found;
  std::vector<std::string_view> pending{id};
  while (!pending.empty()) {
    const auto current = pending.back();
    pending.pop_back();
    if (!found.emplace(current).second) continue;
    for (const auto& child : children(current)) pending.push_back(child);
  }
  return found;
}

std::vector<std::string> RevisionGraph::parents_first(const std::vector<std::string>& starts,
                                                      const RevisionSet& excluded) const {
  std::vector<std::string> order;
  RevisionSet seen = excluded;
  struct Frame {
    std::string_view id;
    std::size_t next_parent = 0;
  };
  for (const auto& start : starts) {
    if (!seen.emplace(start).second) continue;
    std::vector<Frame> stack{{start}};
    while (!stack.empty()) {
      auto& frame = stack.back();
      const auto& parents = at(frame.id).down_revisions;
      if (frame.next_parent == parents.size()) {
        order.emplace_back(frame.id);
        stack.pop_back();
        continue;
      }
      const std::string_view parent = parents[frame.next_parent++];
      if (seen.emplace(parent).second) stack.push_back({parent});
    }
  }
  return order;
}

std::vector<std::string> RevisionGraph::newest_first() const {
  auto order = parents_first(heads_, {});
  std::reverse(order.begin(), order.end());
  return order;
}

}  // namespace coffeehouse::db::migrations
