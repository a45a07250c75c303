#include "db/migrations/text.hpp"

namespace coffeehouse::db::migrations {

std::string_view trim(std::string_view text) noexcept {
  constexpr std::string_view whitespace = " \t\r\n";
  const auto first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(whitespace);
  return text.substr(first, last - first + 1);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined += separator;
    joined += item;
  }
  return joined;
}

std::string describe_rows(const std::vector<std::string>& rows) { return rows.empty() ? "<base>" : join(rows); }

}  // namespace coffeehouse::db::migrations
