#pragma once
// Writes seed data through the service's own pool: one transaction, all rows or none.
#include "db/pool.hpp"
#include "db/result.hpp"
#include "db/statements.hpp"
#include "seed/seed_data.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>
#include <utility>

namespace coffeehouse::db {

enum class SeedPolicy : std::uint8_t {
  only_if_empty,  // first start: skip when coffee or users has any row
  always,         // `coffeehouse seed --count N`: add to whatever is there
};

struct SeedStored {
  bool stored = false;  // false: the tables were already populated (SeedPolicy::only_if_empty)
  std::size_t coffees = 0;
  std::size_t users = 0;
};

class SeedStore {
 public:
  explicit SeedStore(Pool& pool) noexcept : pool_(pool) {}

  // True when both tables are empty (a cheap check before fetching anything).
  boost::asio::awaitable<Result<bool>> tables_are_empty();

  // Under a transaction-scoped advisory lock, so that several processes starting together on one
  // empty database seed it exactly once: the later ones find rows once they hold the lock.
  boost::asio::awaitable<Result<SeedStored>> store(const seed::SeedData& data, SeedPolicy policy);

 private:
  Pool& pool_;
};

// The two JSON arrays seed_statements::insert takes: coffees, and users pointing into them by
// index, each user's address spliced in as the text it came as.
std::pair<std::string, std::string> seed_data_json(const seed::SeedData& data);

namespace seed_statements {
extern const StatementSpec lock;
extern const StatementSpec tables_are_empty;
extern const StatementSpec insert;
}  // namespace seed_statements

}  // namespace coffeehouse::db
