#include "seed/seed_store.hpp"

#include <boost/json.hpp>

namespace coffeehouse::seed {

namespace json = boost::json;
using boost::asio::awaitable;

std::pair<std::string, std::string> seed_data_json(const SeedData& data) {
  json::array coffees;
  for (const auto& coffee : data.coffees) {
    json::array notes;
    for (const auto& note : coffee.notes) notes.emplace_back(json::string(note));
    coffees.push_back(json::object{{"title", coffee.title},
                                   {"origin", coffee.origin},
                                   {"intensifier", coffee.intensifier},
                                   {"notes", std::move(notes)}});
  }
  json::array users;
  for (const auto& user : data.users) {
    users.push_back(json::object{{"name", user.name},
                                 {"has_sale", user.has_sale},
                                 {"address", user.address},
                                 {"coffee_index", user.coffee_index}});
  }
  return {json::serialize(coffees), json::serialize(users)};
}

awaitable<std::pair<bool, db::DbError>> tables_are_empty(db::Pool& pool) {
  auto outcome = co_await pool.execute(db::Statement::tables_are_empty, {});
  if (!outcome.ok()) co_return std::pair{false, std::move(outcome.error)};
  co_return std::pair{outcome.rows.boolean(0, 0), db::DbError{}};
}

awaitable<StoreResult> store_seed_data(db::Pool& pool, const SeedData& data, StorePolicy policy) {
  auto acquired = co_await pool.acquire();
  if (acquired.error) co_return StoreResult{.error = std::move(acquired.error)};
  auto& connection = acquired.lease;

  const auto [coffees_json, users_json] = seed_data_json(data);
  const auto run = [&](db::Statement statement, const db::Params& params) { return connection.execute(statement, params); };
  // Ends the transaction on every early return; COMMIT below makes this a no-op.
  const auto abandon = [&](db::DbError error) -> awaitable<StoreResult> {
    (void)co_await run(db::Statement::rollback_transaction, {});
    co_return StoreResult{.error = std::move(error)};
  };

  if (auto begun = co_await run(db::Statement::begin_transaction, {}); !begun.ok()) co_return StoreResult{.error = begun.error};
  if (auto locked = co_await run(db::Statement::lock_seeding, {}); !locked.ok()) co_return co_await abandon(locked.error);
  if (policy == StorePolicy::only_if_empty) {
    auto empty = co_await run(db::Statement::tables_are_empty, {});
    if (!empty.ok()) co_return co_await abandon(empty.error);
    if (!empty.rows.boolean(0, 0)) {
      (void)co_await run(db::Statement::rollback_transaction, {});
      co_return StoreResult{};
    }
  }
  db::Params params;
  params.add(std::string_view(coffees_json)).add(std::string_view(users_json));
  auto inserted = co_await run(db::Statement::insert_seed_data, params);
  if (!inserted.ok()) co_return co_await abandon(inserted.error);
  if (auto committed = co_await run(db::Statement::commit_transaction, {}); !committed.ok()) {
    co_return StoreResult{.error = committed.error};
  }
  co_return StoreResult{.stored = true,
                        .coffees = static_cast<std::size_t>(inserted.rows.integer(0, 0)),
                        .users = static_cast<std::size_t>(inserted.rows.integer(0, 1)),
                        .error = {}};
}

}  // namespace coffeehouse::seed
