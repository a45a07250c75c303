// The pool when PostgreSQL cannot be had: connects that fail, as to a database that is starting
// up or recovering, or to a port nothing listens on. No database needed.
#include "db/pool.hpp"
#include "support/db_results.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <vector>

namespace coffeehouse::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;

// A connection whose open() fails after `delay`, as a connect to a database that is starting up
// or recovering does.
class FailingConnection : public db::Connection {
 public:
  FailingConnection(boost::asio::any_io_executor executor, std::chrono::milliseconds delay)
      : db::Connection(db::ConnectionOptions{}), executor_(std::move(executor)), delay_(delay) {}
  bool broken() const noexcept override { return true; }

 protected:
  boost::asio::awaitable<db::Result<void>> connect() override {
    boost::asio::steady_timer timer(executor_, delay_);
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return db::DbError(db::ErrorKind::unavailable, "FATAL:  the database system is in recovery mode");
  }
  boost::asio::awaitable<db::Result<db::Rows>> exchange(std::span<const db::Step>) override {
    co_return db::DbError(db::ErrorKind::unavailable, "not open");
  }
  void close() noexcept override {}
  PGconn* native_handle() const noexcept override { return nullptr; }

 private:
  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds delay_;
};

TEST(PoolOutage, RequestsQueuedBehindAFailedConnectFailFastInsteadOfWaitingOutTheAcquireTimeout) {
  boost::asio::io_context io{1};
  auto pool = db::Pool::create(io.get_executor(), db::PoolOptions{.max_connections = 1, .acquire_timeout = 5s},
                               [&io] { return std::make_unique<FailingConnection>(io.get_executor(), 100ms); });
  std::vector<std::pair<std::optional<db::ErrorKind>, Clock::duration>> outcomes;
  const auto started = Clock::now();
  for (int i = 0; i < 3; ++i) {  // the first connects, the others queue behind it
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          const auto outcome = co_await pool->execute(db::ping, {});
          outcomes.emplace_back(error_kind(outcome), Clock::now() - started);
        },
        boost::asio::detached);
  }
  io.run_for(10s);
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& [kind, took] : outcomes) {
    EXPECT_EQ(kind, db::ErrorKind::unavailable);
    EXPECT_LT(took, 1s);
  }
}

// Both drivers: a port nothing listens on is a fast unavailable, with a message to log.
TEST(PoolOutage, UnreachableDatabaseFailsFastAsUnavailable) {
  for (const auto mode : {db::DbMode::async, db::DbMode::sync}) {
    asio::io_context io{1};
    auto pool = db::Pool::create(
        io.get_executor(), db::PoolOptions{.max_connections = 2},
        db::make_connection_factory(mode, io.get_executor(), {.database_url = "postgresql://x@127.0.0.1:1/none"}));
    db::Result<db::Rows> outcome;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { outcome = co_await pool->execute(db::ping, {}); }, asio::detached);
    io.run();
    EXPECT_EQ(error_kind(outcome), db::ErrorKind::unavailable);
    EXPECT_FALSE(outcome.has_value() || outcome.error().message.empty());
  }
}

}  // namespace
}  // namespace coffeehouse::testing
