#include "db/migrations/targets.hpp"

#include "db/migrations/text.hpp"

#include <charconv>
#include <optional>

namespace coffeehouse::db::migrations {
namespace {

// "+3" / "-3" -> 3; nullopt if `argument` is not `sign` followed by a positive count.
std::optional<std::size_t> relative_steps(std::string_view argument, char sign) {
  if (argument.size() < 2 || argument.front() != sign) return std::nullopt;
  std::size_t steps = 0;
  const auto* first = argument.data() + 1;
  const auto* last = argument.data() + argument.size();
  const auto [end, ec] = std::from_chars(first, last, steps);
  if (ec != std::errc{} || end != last || steps == 0) return std::nullopt;
  return steps;
}

}  // namespace

Outcome<std::string> single_head(const RevisionGraph& graph, std::string_view argument) {
  const auto& heads = graph.heads();
  if (heads.empty()) return fail("there are no revisions in the versions directory");
  if (heads.size() > 1) {
    return fail("Multiple head revisions are present for given argument '" + std::string(argument) +
                "'; please specify a specific target revision, or 'heads' for all heads, or join them with "
                "'coffeehouse migrate merge -m MESSAGE heads' (heads: " +
                join(heads) + ")");
  }
  return heads.front();
}

Outcome<UpgradeTarget> parse_upgrade_target(const RevisionGraph& graph, std::string_view argument) {
  if (argument == "heads") {
    if (graph.heads().empty()) return fail("there are no revisions in the versions directory");
    return UpgradeTarget{UpgradeTo{graph.heads()}};
  }
  if (argument == "head") {
    auto head = single_head(graph, argument);
    if (!head) return head.error();
    return UpgradeTarget{UpgradeTo{{*head}}};
  }
  if (const auto steps = relative_steps(argument, '+')) {
    auto head = single_head(graph, argument);
    if (!head) return head.error();
    return UpgradeTarget{UpgradeBy{*head, *steps}};
  }
  if (argument == "base" || argument.starts_with('-')) {
    return fail("'" + std::string(argument) + "' is a downgrade target; upgrade takes head, heads, +N or a revision");
  }
  auto revision = graph.resolve(argument);
  if (!revision) return revision.error();
  return UpgradeTarget{UpgradeTo{{*revision}}};
}

Outcome<DowngradeTarget> parse_downgrade_target(const RevisionGraph& graph, std::string_view argument) {
  if (argument == "base") return DowngradeTarget{DowngradeToBase{}};
  if (const auto steps = relative_steps(argument, '-')) return DowngradeTarget{DowngradeBy{*steps}};
  if (argument == "head" || argument == "heads" || argument.starts_with('+')) {
    return fail("'" + std::string(argument) + "' is an upgrade target; downgrade takes -N, base or a revision");
  }
  auto revision = graph.resolve(argument);
  if (!revision) return revision.error();
  return DowngradeTarget{DowngradeTo{*revision}};
}

}  // namespace coffeehouse::db::migrations
