#pragma once
// Coffees: the only code that knows the coffee statements, their parameters and what they return.
#include "db/json_text.hpp"
#include "db/read_routing.hpp"
#include "db/result.hpp"
#include "db/statements.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace coffeehouse::db {

class CoffeeStore {
 public:
  // Coffees are only read here: where `reads` sends them (a replica while it is healthy).
  explicit CoffeeStore(ReadRouting& reads) noexcept : reads_(reads) {}

  // {"id", "title", "origin", "intensifier", "notes": [...]}, or nullopt when no coffee has the id.
  boost::asio::awaitable<Result<std::optional<JsonText>>> find(std::int64_t id);

  // A JSON array of coffees whose title matches the web-search query `words` (english), best
  // ts_rank first, then by id; at most `limit`.
  boost::asio::awaitable<Result<JsonText>> search(std::string_view words, std::int64_t limit);

  // A JSON array of the distinct notes of all coffees, in code-point order.
  boost::asio::awaitable<Result<JsonText>> notes();

 private:
  ReadRouting& reads_;
};

namespace coffee_statements {
extern const StatementSpec by_id;
extern const StatementSpec search;
extern const StatementSpec notes;
}  // namespace coffee_statements

}  // namespace coffeehouse::db
