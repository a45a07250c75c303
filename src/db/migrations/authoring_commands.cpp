#include "db/migrations/commands.hpp"
#include "db/migrations/revision_writer.hpp"
#include "db/migrations/targets.hpp"
#include "db/migrations/text.hpp"
#include "db/migrations/versions_directory.hpp"

#include <algorithm>
#include <ostream>

namespace coffeehouse::db::migrations {
namespace {

// What the new revision revises: --head's revision, nothing for "base", or the single head.
Outcome<std::vector<std::string>> parent_of_new_revision(const RevisionGraph& graph,
                                                         const std::optional<std::string>& head) {
  if (head == "base" || (!head && graph.empty())) return std::vector<std::string>{};
  if (head && *head != "head") {
    auto parent = graph.resolve(*head);
    if (!parent) return parent.error();
    return std::vector<std::string>{*parent};
  }
  if (graph.heads().size() > 1) {
    return fail("Multiple heads are present (" + join(graph.heads()) +
                "); please specify the head revision on which the new revision should be based with --head REV, "
                "or join them first with 'coffeehouse migrate merge -m MESSAGE heads'");
  }
  auto single = single_head(graph, "head");
  if (!single) return single.error();
  return std::vector<std::string>{*single};
}

Outcome<std::vector<std::string>> revisions_to_merge(const RevisionGraph& graph,
                                                     const std::vector<std::string>& arguments) {
  if (arguments == std::vector<std::string>{"heads"}) {
    if (graph.heads().size() < 2) {
      return fail("there is only one head (" + join(graph.heads()) + "); nothing to merge");
    }
    return graph.heads();
  }
  std::vector<std::string> revisions;
  for (const auto& argument : arguments) {
    auto revision = graph.resolve(argument);
    if (!revision) return revision.error();
    if (std::find(revisions.begin(), revisions.end(), *revision) != revisions.end()) {
      return fail("revision " + *revision + " is given twice");
    }
    revisions.push_back(*revision);
  }
  if (revisions.size() < 2) return fail("a merge needs two or more revisions, or 'heads'");
  for (const auto& revision : revisions) {
    for (const auto& other : revisions) {
      if (revision != other && graph.ancestors({other}).contains(revision)) {
        return fail(revision + " is an ancestor of " + other + "; a merge joins revisions on different branches");
      }
    }
  }
  return revisions;
}

void report_written(const std::filesystem::path& path, std::ostream& out) {
  out << "Generating " << path.string() << " ... done\n";
}

}  // namespace

Outcome<void> revision(const std::filesystem::path& versions_dir, const std::string& message,
                       const std::optional<std::string>& head, std::ostream& out) {
  auto graph = load_versions_directory(versions_dir);
  if (!graph) return graph.error();
  auto parents = parent_of_new_revision(*graph, head);
  if (!parents) return parents.error();
  auto path = write_new_revision(versions_dir, *graph, std::move(*parents), message);
  if (!path) return path.error();
  report_written(*path, out);
  return {};
}

Outcome<void> merge(const std::filesystem::path& versions_dir, const std::string& message,
                    const std::vector<std::string>& revisions, std::ostream& out) {
  auto graph = load_versions_directory(versions_dir);
  if (!graph) return graph.error();
  auto parents = revisions_to_merge(*graph, revisions);
  if (!parents) return parents.error();
  auto path = write_new_revision(versions_dir, *graph, std::move(*parents), message);
  if (!path) return path.error();
  report_written(*path, out);
  return {};
}

}  // namespace coffeehouse::db::migrations
