// The two drivers run the same statements and differ only in how they wait: async suspends the
// coroutine while PostgreSQL works, sync holds the io thread inside libpq.
#include "db/bench_store.hpp"
#include "db/pool.hpp"
#include "support/db_results.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <string>
#include <vector>

namespace coffeehouse::testing {
namespace {

namespace asio = boost::asio;

// Starts a query that takes 50 ms in PostgreSQL, and posts another piece of work right behind
// it on the same thread. Returns the order in which the two finished. (A query that answers
// faster than the driver reads could complete without waiting at all, in either mode.)
std::vector<std::string> order_of_query_and_other_work(db::DbMode mode) {
  asio::io_context io{1};
  auto pool = db::Pool::create(io.get_executor(), db::PoolOptions{.max_connections = 1},
                               db::make_connection_factory(mode, io.get_executor(), {.database_url = database_url()}));
  std::vector<std::string> order;
  // Open the connection first so the race below is about the query alone.
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { (void)co_await pool->execute(db::ping, {}); }, asio::detached);
  io.run();
  io.restart();

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto outcome = co_await pool->execute(db::bench_statements::sleep, db::Params().add(std::int64_t{50}));
        order.push_back(outcome.has_value() ? "query" : "query failed: " + error_message(outcome));
      },
      asio::detached);
  asio::post(io, [&] { order.push_back("other work"); });
  io.run();
  pool->close();
  return order;
}

TEST(DbModes, AsyncQueryLetsTheThreadDoOtherWorkWhileWaiting) {
  EXPECT_EQ(order_of_query_and_other_work(db::DbMode::async), (std::vector<std::string>{"other work", "query"}));
}

TEST(DbModes, SyncQueryHoldsTheThreadUntilPostgresAnswers) {
  EXPECT_EQ(order_of_query_and_other_work(db::DbMode::sync), (std::vector<std::string>{"query", "other work"}));
}

TEST(DbModes, PoolHandsAFreedConnectionToTheNextWaiter) {
  asio::io_context io{1};
  auto pool = db::Pool::create(
      io.get_executor(), db::PoolOptions{.max_connections = 1},
      db::make_connection_factory(db::DbMode::async, io.get_executor(), {.database_url = database_url()}));
  int succeeded = 0;
  for (int i = 0; i < 20; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto outcome = co_await pool->execute(db::ping, {});
          if (outcome.has_value()) ++succeeded;
        },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(succeeded, 20);
  EXPECT_EQ(pool->stats().idle, 1u);  // one connection served all twenty
}

TEST(DbModes, PoolRefusesWaitersBeyondTheQueueBound) {
  asio::io_context io{1};
  auto pool = db::Pool::create(
      io.get_executor(), db::PoolOptions{.max_connections = 1, .max_waiters = 2},
      db::make_connection_factory(db::DbMode::async, io.get_executor(), {.database_url = database_url()}));
  std::vector<std::optional<db::ErrorKind>> results;
  for (int i = 0; i < 5; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto outcome = co_await pool->execute(db::ping, {});
          results.push_back(error_kind(outcome));
        },
        asio::detached);
  }
  io.run();
  // One opens the connection, two wait for it, two are refused at once: overloaded, not a
  // database failure.
  EXPECT_EQ(std::count(results.begin(), results.end(), std::nullopt), 3);
  EXPECT_EQ(std::count(results.begin(), results.end(), db::ErrorKind::overloaded), 2);
  EXPECT_EQ(pool->stats().refused_overloaded, 2u);
  EXPECT_EQ(pool->stats().refused_timed_out + pool->stats().refused_unavailable, 0u);
}

}  // namespace
}  // namespace coffeehouse::testing
