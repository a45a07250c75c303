// Async mode's pipelined connections (--db-pipeline on): several requests' statements in flight on
// one connection, each followed by its own Sync, answered in the order sent.
#include "db/async_connection.hpp"
#include "db/bench_store.hpp"
#include "db/coffee_document.hpp"
#include "db/coffee_store.hpp"
#include "db/conninfo.hpp"
#include "db/pool.hpp"
#include "db/seed_store.hpp"
#include "db/transaction.hpp"
#include "db/user_store.hpp"
#include "support/admin_sql.hpp"
#include "support/api_test.hpp"
#include "support/db_results.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <array>

namespace coffeehouse::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

db::ConnectionOptions pipelined(std::string url = database_url()) {
  return {.database_url = std::move(url), .statement_timeout = 300ms, .pipeline = true};
}

std::shared_ptr<db::Pool> one_pipelined_connection(asio::io_context& io, db::ConnectionOptions options,
                                                   std::size_t depth = 64) {
  return db::Pool::create(io.get_executor(), db::PoolOptions{.max_connections = 1, .pipeline_depth = depth},
                          db::make_connection_factory(db::DbMode::async, io.get_executor(), std::move(options)));
}

std::string title_of(const db::Result<db::Rows>& outcome) {
  if (!outcome.has_value()) return "error: " + error_message(outcome);
  if (outcome->empty()) return "no row";
  std::string document;
  db::append_coffee_document(document, *outcome, 0, 0);
  return std::string(boost::json::parse(document).at("title").as_string());
}

// Starts `statement` on the pool at once and records its outcome when it ends.
void start(asio::io_context& io, db::Pool& pool, const db::StatementSpec& statement, db::Params params,
           db::Result<db::Rows>& outcome) {
  asio::co_spawn(
      io,
      [&pool, statement, params = std::move(params), &outcome]() -> asio::awaitable<void> {
        outcome = co_await pool.execute(statement, params);
      },
      asio::detached);
}

db::Params id_param(std::int64_t id) { return db::Params().add(id); }

// Runs one query and waits for it, so that the connection is open before a test puts several
// queries in flight together. True if it succeeded.
bool open_the_connection(asio::io_context& io, db::Pool& pool) {
  db::Result<db::Rows> warm;
  start(io, pool, db::ping, {}, warm);
  io.run();
  io.restart();
  return warm.has_value();
}

TEST(Pipeline, ManyConcurrentQueriesOnOneConnectionEachGetTheirOwnResult) {
  constexpr int queries = 100;
  std::vector<std::int64_t> ids;
  std::vector<std::string> titles;
  for (int i = 0; i < 10; ++i) {
    titles.push_back("Pipelined " + unique_word());
    ids.push_back(insert_coffee(titles.back()));
  }
  asio::io_context io{1};
  auto pool = one_pipelined_connection(io, pipelined());
  std::vector<int> finished;
  std::vector<std::string> answers(queries);
  for (int i = 0; i < queries; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          const auto outcome = co_await pool->execute(db::coffee_statements::by_id,
                                                      id_param(ids[static_cast<std::size_t>(i) % ids.size()]));
          answers[static_cast<std::size_t>(i)] = title_of(outcome);
          finished.push_back(i);
        },
        asio::detached);
  }
  io.run();
  for (int i = 0; i < queries; ++i)
    EXPECT_EQ(answers[static_cast<std::size_t>(i)], titles[static_cast<std::size_t>(i) % ids.size()]) << i;
  EXPECT_EQ(finished.size(), static_cast<std::size_t>(queries));
  const auto stats = pool->stats();
  EXPECT_EQ(stats.idle, 1u);  // one connection did it all
  EXPECT_EQ(stats.in_use, 0u);
}

TEST(Pipeline, AFailingQueryDoesNotDisturbTheQueriesAroundIt) {
  const auto title = "Neighbour " + unique_word();
  const auto id = insert_coffee(title);
  asio::io_context io{1};
  auto pool = one_pipelined_connection(io, pipelined());
  // Open the connection first, so that all five are in flight together.
  ASSERT_TRUE(open_the_connection(io, *pool));

  std::array<db::Result<db::Rows>, 5> outcomes;
  start(io, *pool, db::coffee_statements::by_id, id_param(id), outcomes[0]);
  // A user whose coffee does not exist: foreign key violation.
  start(io, *pool, db::user_statements::insert,
        db::Params().add(std::string_view("Nobody")).add_null().add_null().add(false).add_null().add(std::int64_t{-7}),
        outcomes[1]);
  start(io, *pool, db::coffee_statements::by_id, id_param(id), outcomes[2]);
  start(io, *pool, db::bench_statements::sleep, id_param(5000), outcomes[3]);  // beyond the 300 ms timeout
  start(io, *pool, db::coffee_statements::by_id, id_param(id), outcomes[4]);
  io.run();

  EXPECT_EQ(title_of(outcomes[0]), title);
  EXPECT_EQ(error_kind(outcomes[1]), db::ErrorKind::missing_reference);
  EXPECT_EQ(error_sqlstate(outcomes[1]), db::sqlstate::foreign_key_violation);
  EXPECT_EQ(title_of(outcomes[2]), title);
  EXPECT_EQ(error_kind(outcomes[3]), db::ErrorKind::timeout);
  EXPECT_EQ(title_of(outcomes[4]), title);
  EXPECT_EQ(pool->stats().idle, 1u);  // still the same connection, still usable
}

TEST(Pipeline, AKilledConnectionFailsEveryQueryInFlightAsUnavailableAndThePoolRecovers) {
  const auto title = "Survivor " + unique_word();
  const auto id = insert_coffee(title);
  const auto application_name = "pipeline_" + unique_word();
  asio::io_context io{1};
  auto options = pipelined(with_application_name(database_url(), application_name));
  options.statement_timeout = 10s;
  auto pool = one_pipelined_connection(io, options);
  ASSERT_TRUE(open_the_connection(io, *pool));

  std::array<db::Result<db::Rows>, 4> outcomes;
  for (auto& outcome : outcomes) start(io, *pool, db::bench_statements::sleep, id_param(2000), outcome);
  asio::steady_timer kill(io, 300ms);
  kill.async_wait([&](boost::system::error_code) { EXPECT_EQ(terminate_backends_of(application_name), 1); });
  const auto started = std::chrono::steady_clock::now();
  io.run();
  io.restart();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms) << "queries waited for a dead connection";
  for (const auto& outcome : outcomes) {
    EXPECT_EQ(error_kind(outcome), db::ErrorKind::unavailable)
        << error_sqlstate(outcome) << " " << error_message(outcome);
  }
  EXPECT_EQ(pool->stats().idle + pool->stats().in_use, 0u);  // the broken connection is gone

  db::Result<db::Rows> after;
  start(io, *pool, db::coffee_statements::by_id, id_param(id), after);
  io.run();
  EXPECT_EQ(title_of(after), title);
}

TEST(Pipeline, AnAbandonedQueryIsAnsweredAndDroppedAndTheNextGetTheirOwnAnswers) {
  const auto title = "After " + unique_word();
  const auto id = insert_coffee(title);
  asio::io_context io{1};
  auto pool = one_pipelined_connection(io, pipelined());
  ASSERT_TRUE(open_the_connection(io, *pool));

  // A query waits behind a slow one, and its caller stops waiting (as a request whose coroutine
  // is cancelled or destroyed does); its answer is still on its way, behind more queries.
  db::Result<db::Rows> slow;
  start(io, *pool, db::bench_statements::sleep, id_param(150), slow);
  asio::cancellation_signal stop_waiting;
  db::Result<db::Rows> abandoned;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        abandoned = co_await pool->execute(db::coffee_statements::by_id, id_param(-1));
      },
      asio::bind_cancellation_slot(stop_waiting.slot(), asio::detached));
  std::array<db::Result<db::Rows>, 3> next;
  for (auto& outcome : next) start(io, *pool, db::coffee_statements::by_id, id_param(id), outcome);
  asio::steady_timer give_up(io, 50ms);
  give_up.async_wait([&](boost::system::error_code) { stop_waiting.emit(asio::cancellation_type::terminal); });
  io.run();
  io.restart();

  EXPECT_EQ(error_kind(abandoned), db::ErrorKind::unavailable);
  EXPECT_TRUE(slow.has_value()) << error_message(slow);
  for (const auto& outcome : next) EXPECT_EQ(title_of(outcome), title);
  db::Result<db::Rows> later;
  start(io, *pool, db::coffee_statements::by_id, id_param(id), later);
  io.run();
  EXPECT_EQ(title_of(later), title);
  EXPECT_EQ(pool->stats().idle, 1u);
}

TEST(Pipeline, AConnectionDestroyedWithQueriesInFlightFailsThemInsteadOfLeavingThemWaiting) {
  asio::io_context io{1};
  auto connection = std::make_unique<db::AsyncConnection>(io.get_executor(), pipelined());
  db::Result<void> opened;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { opened = co_await connection->open(); }, asio::detached);
  io.run();
  io.restart();
  ASSERT_TRUE(opened) << error_message(opened);

  std::array<db::Result<db::Rows>, 3> outcomes;
  for (auto& outcome : outcomes) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          outcome = co_await connection->execute(db::bench_statements::sleep, id_param(200));
        },
        asio::detached);
  }
  asio::post(io, [&] { connection.reset(); });
  io.run();
  for (const auto& outcome : outcomes) EXPECT_EQ(error_kind(outcome), db::ErrorKind::unavailable);
}

// With a pool of one pipelined connection, the pool's waiters are the requests beyond the
// pipeline's depth: they get room as queries finish, or 503 after the acquire timeout.
TEST(Pipeline, RequestsBeyondThePipelineDepthWaitForRoomWithinTheAcquireTimeout) {
  asio::io_context io{1};
  auto pool = db::Pool::create(
      io.get_executor(),
      db::PoolOptions{.max_connections = 1, .pipeline_depth = 2, .max_waiters = 2, .acquire_timeout = 300ms},
      db::make_connection_factory(db::DbMode::async, io.get_executor(),
                                  {.database_url = database_url(), .pipeline = true}));
  // The first sleep opens the connection; the second sleep and the first ping take the queue's
  // two places while it opens, and the other two pings are refused at once (overloaded). Once
  // open, the two sleeps fill the pipeline for 600 ms: the queued ping times out at 300 ms.
  std::array<db::Result<db::Rows>, 5> outcomes;
  start(io, *pool, db::bench_statements::sleep, id_param(600), outcomes[0]);
  start(io, *pool, db::bench_statements::sleep, id_param(600), outcomes[1]);
  for (std::size_t i = 2; i < outcomes.size(); ++i) start(io, *pool, db::ping, {}, outcomes[i]);
  io.run();
  EXPECT_TRUE(outcomes[0].has_value()) << error_message(outcomes[0]);
  EXPECT_TRUE(outcomes[1].has_value()) << error_message(outcomes[1]);
  EXPECT_EQ(error_kind(outcomes[2]), db::ErrorKind::acquire_timeout);
  EXPECT_EQ(error_kind(outcomes[3]), db::ErrorKind::overloaded);
  EXPECT_EQ(error_kind(outcomes[4]), db::ErrorKind::overloaded);
  EXPECT_EQ(pool->stats().refused_timed_out, 1u);
  EXPECT_EQ(pool->stats().refused_overloaded, 2u);
  EXPECT_EQ(pool->stats().waiters, 0u);
}

TEST(Pipeline, AWaiterGetsRoomAsSoonAsAQueryEnds) {
  asio::io_context io{1};
  auto pool = db::Pool::create(io.get_executor(),
                               db::PoolOptions{.max_connections = 1, .pipeline_depth = 2, .acquire_timeout = 2s},
                               db::make_connection_factory(db::DbMode::async, io.get_executor(), pipelined()));
  std::array<db::Result<db::Rows>, 6> outcomes;
  for (auto& outcome : outcomes) start(io, *pool, db::bench_statements::sleep, id_param(50), outcome);
  const auto started = std::chrono::steady_clock::now();
  io.run();
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome.has_value()) << error_message(outcome);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
}

// A transaction needs a connection of its own, also when the others pipeline.
TEST(Pipeline, AcquireGetsAConnectionOfItsOwnForATransaction) {
  asio::io_context io{1};
  auto pool = one_pipelined_connection(io, pipelined());
  std::vector<std::string> steps;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto acquired = co_await pool->acquire();
        if (!acquired) {
          steps.push_back("acquire failed: " + error_message(acquired));
          co_return;
        }
        for (const auto* statement :
             {&db::transaction_statements::begin, &db::seed_statements::lock, &db::transaction_statements::rollback}) {
          const auto outcome = co_await acquired->execute(*statement, {});
          steps.push_back(outcome.has_value() ? "ok" : error_message(outcome));
        }
      },
      asio::detached);
  db::Result<db::Rows> queued;
  start(io, *pool, db::ping, {}, queued);  // waits for the lease to end
  io.run();
  EXPECT_EQ(steps, (std::vector<std::string>{"ok", "ok", "ok"}));
  EXPECT_TRUE(queued.has_value()) << error_message(queued);
  EXPECT_EQ(pool->stats().idle, 1u);
}

}  // namespace
}  // namespace coffeehouse::testing
