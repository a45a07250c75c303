#pragma once
// The TARGET argument of `upgrade` and `downgrade`, resolved against the revision graph before
// any database is touched: unknown or ambiguous ids and a `head` that names several heads are
// refused here.
#include "db/migrations/migration_error.hpp"
#include "db/migrations/revision_graph.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace coffeehouse::db::migrations {

// `head`, `heads`, an id or a prefix: these revisions and everything they depend on.
struct UpgradeTo {
  std::vector<std::string> revisions;
};
// `+N`: the first N steps of the way to the single head.
struct UpgradeBy {
  std::string head;
  std::size_t steps = 0;
};
using UpgradeTarget = std::variant<UpgradeTo, UpgradeBy>;

// `base`: unapply everything.
struct DowngradeToBase {};
// An id or a prefix: unapply everything applied that depends on it; it stays applied.
struct DowngradeTo {
  std::string revision;
};
// `-N`: unapply N revisions, newest first.
struct DowngradeBy {
  std::size_t steps = 0;
};
using DowngradeTarget = std::variant<DowngradeToBase, DowngradeTo, DowngradeBy>;

Outcome<UpgradeTarget> parse_upgrade_target(const RevisionGraph& graph, std::string_view argument);
Outcome<DowngradeTarget> parse_downgrade_target(const RevisionGraph& graph, std::string_view argument);

// The one head of the graph. `argument` is what the operator typed, for the refusal Alembic gives
// when there are several ("Multiple head revisions are present for given argument ...").
Outcome<std::string> single_head(const RevisionGraph& graph, std::string_view argument);

}  // namespace coffeehouse::db::migrations
