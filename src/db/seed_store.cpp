#include "db/seed_store.hpp"

#include "db/transaction.hpp"

#include <boost/json.hpp>

namespace coffeehouse::db {

namespace json = boost::json;
using boost::asio::awaitable;

namespace seed_statements {

// Seeding happens once per database, not per process: concurrent starters queue on this
// transaction-scoped lock and re-check emptiness once they hold it.
const StatementSpec lock{"lock_seeding", "SELECT pg_advisory_xact_lock(7361058290)"};

const StatementSpec tables_are_empty{"tables_are_empty",
                                     "SELECT NOT EXISTS (SELECT 1 FROM coffee) AND NOT EXISTS (SELECT 1 FROM users)"};

// All coffees and users in one statement, so a seed is stored whole or not at all. $1 is a JSON
// array of coffees, $2 of users whose coffee_index points into $1. json_to_recordset fills the
// json column `address` with the element's text as written.
const StatementSpec insert{
    "insert_seed_data",
    "WITH new_coffee AS ("
    "  INSERT INTO coffee (title, origin, intensifier, notes)"
    "  SELECT c.title, c.origin, c.intensifier, c.notes"
    "  FROM ROWS FROM (json_to_recordset($1::json)"
    "    AS (title varchar, origin varchar, intensifier varchar, notes varchar[]))"
    "    WITH ORDINALITY AS c(title, origin, intensifier, notes, position)"
    "  ORDER BY c.position"
    "  RETURNING id"
    "), numbered_coffee AS ("
    "  SELECT id, row_number() OVER (ORDER BY id) - 1 AS coffee_index FROM new_coffee"
    "), new_users AS ("
    "  INSERT INTO users (name, has_sale, address, coffee_id)"
    "  SELECT u.name, u.has_sale, u.address, n.id"
    "  FROM json_to_recordset($2::json) AS u(name varchar, has_sale boolean, address json, coffee_index bigint)"
    "  LEFT JOIN numbered_coffee n USING (coffee_index)"
    "  RETURNING id"
    ") SELECT (SELECT count(*) FROM new_coffee), (SELECT count(*) FROM new_users)"};

}  // namespace seed_statements

std::pair<std::string, std::string> seed_data_json(const seed::SeedData& data) {
  json::array coffees;
  for (const auto& coffee : data.coffees) {
    json::array notes;
    for (const auto& note : coffee.notes) notes.emplace_back(json::string(note));
    coffees.push_back(json::object{{"title", coffee.title},
                                   {"origin", coffee.origin},
                                   {"intensifier", coffee.intensifier},
                                   {"notes", std::move(notes)}});
  }
  // Built as text: a json::value would hold the address as doubles and write them back altered.
  std::string users = "[";
  for (const auto& user : data.users) {
    if (users.size() > 1) users += ',';
    users += "{\"name\":";
    users += json::serialize(json::string_view(user.name));
    users += user.has_sale ? ",\"has_sale\":true" : ",\"has_sale\":false";
    users += ",\"address\":";
    users += user.address_json;
    users += ",\"coffee_index\":";
    users += std::to_string(user.coffee_index);
    users += '}';
  }
  users += ']';
  return {json::serialize(coffees), std::move(users)};
}

awaitable<Result<bool>> SeedStore::tables_are_empty() {
  auto rows = co_await pool_.execute(seed_statements::tables_are_empty, {});
  if (!rows) co_return rows.error();
  co_return rows->boolean(0, 0);
}

awaitable<Result<SeedStored>> SeedStore::store(const seed::SeedData& data, SeedPolicy policy) {
  auto transaction = co_await Transaction::begin(pool_);
  if (!transaction) co_return transaction.error();
  // Every early return below leaves the transaction uncommitted: it is rolled back.
  if (auto locked = co_await transaction->execute(seed_statements::lock, {}); !locked) co_return locked.error();
  if (policy == SeedPolicy::only_if_empty) {
    auto empty = co_await transaction->execute(seed_statements::tables_are_empty, {});
    if (!empty) co_return empty.error();
    if (!empty->boolean(0, 0)) {
      if (auto ended = co_await transaction->rollback(); !ended) co_return ended.error();
      co_return SeedStored{};
    }
  }
  const auto [coffees_json, users_json] = seed_data_json(data);
  auto inserted = co_await transaction->execute(
      seed_statements::insert, Params().add(std::string_view(coffees_json)).add(std::string_view(users_json)));
  if (!inserted) co_return inserted.error();
  if (auto committed = co_await transaction->commit(); !committed) co_return committed.error();
  co_return SeedStored{.stored = true,
                       .coffees = static_cast<std::size_t>(inserted->integer(0, 0)),
                       .users = static_cast<std::size_t>(inserted->integer(0, 1))};
}

}  // namespace coffeehouse::db
