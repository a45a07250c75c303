#pragma once
// Writes seed data through the service's own pool: one transaction, all rows or none.
#include "db/pool.hpp"
#include "seed/seed_data.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <utility>

namespace coffeehouse::seed {

enum class StorePolicy : std::uint8_t {
  only_if_empty,  // first start: skip when coffee or users has any row
  always,         // `coffeehouse seed --count N`: add to whatever is there
};

struct StoreResult {
  bool stored = false;  // false with no error: the tables were already populated
  std::size_t coffees = 0;
  std::size_t users = 0;
  db::DbError error;
};

// The two JSON arrays insert_seed_data takes: coffees, and users pointing into them by index.
std::pair<std::string, std::string> seed_data_json(const SeedData& data);

// Under a transaction-scoped advisory lock, so that several processes starting together on one
// empty database seed it exactly once: the later ones find rows once they hold the lock.
boost::asio::awaitable<StoreResult> store_seed_data(db::Pool& pool, const SeedData& data, StorePolicy policy);

// True when both tables are empty (a cheap check before fetching anything).
boost::asio::awaitable<std::pair<bool, db::DbError>> tables_are_empty(db::Pool& pool);

}  // namespace coffeehouse::seed
