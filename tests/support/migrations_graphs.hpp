#pragma once
// In-memory revision graphs for tests that need no files and no database.
#include "db/migrations/revision_graph.hpp"

#include <string>
#include <utility>
#include <vector>

namespace coffeehouse::testing {

// {id, parents} pairs; each revision gets a path "<id>.sql" and a message "<id>".
db::migrations::Outcome<db::migrations::RevisionGraph> try_graph(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& revisions);

// As try_graph, but throws if the graph is invalid.
db::migrations::RevisionGraph graph_of(const std::vector<std::pair<std::string, std::vector<std::string>>>& revisions);

// The project's shape with short ids: init -> surname, init -> patronomic, merge of both.
db::migrations::RevisionGraph diamond();

}  // namespace coffeehouse::testing
