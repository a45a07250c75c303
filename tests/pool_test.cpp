// The pool hands out only idle sessions, and a Transaction that is not committed is rolled back,
// in both modes: against the real database, with the session's own view as the witness.
#include "db/pool.hpp"
#include "db/transaction.hpp"
#include "db/user_store.hpp"
#include "support/api_test.hpp"
#include "support/db_results.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

namespace coffeehouse::testing {
namespace {

namespace asio = boost::asio;

class PoolSessions : public ::testing::TestWithParam<db::DbMode> {
 protected:
  // One connection, so that a connection given back is the one the next caller would get.
  std::shared_ptr<db::Pool> one_connection() {
    return db::Pool::create(
        io_.get_executor(), db::PoolOptions{.max_connections = 1},
        db::make_connection_factory(GetParam(), io_.get_executor(), {.database_url = database_url()}));
  }

  template <class T>
  T run(asio::awaitable<T> work) {
    auto future = asio::co_spawn(io_, std::move(work), asio::use_future);
    io_.run();
    io_.restart();
    return future.get();
  }

  asio::io_context io_{1};
};

// A lease given back inside a transaction that wrote a row. Reused as it is, the session would
// still see its own uncommitted row, and the next caller would commit or extend it unknowingly.
TEST_P(PoolSessions, AConnectionGivenBackInsideATransactionIsNeverHandedOutAgain) {
  auto pool = one_connection();
  const auto name = "uncommitted " + unique_word();
  const auto inserted = run([&]() -> asio::awaitable<db::Result<std::int64_t>> {
    auto lease = co_await pool->acquire();
    if (!lease) co_return lease.error();
    if (auto begun = co_await lease->execute(db::transaction_statements::begin, {}); !begun) co_return begun.error();
    auto rows = co_await lease->execute(
        db::user_statements::insert,
        db::Params().add(std::string_view(name)).add_null().add_null().add_null().add_null().add_null());
    if (!rows) co_return rows.error();
    co_return rows->integer(0, 0);
  }());  // the lease ends here, its transaction open
  ASSERT_TRUE(inserted) << error_message(inserted);
  EXPECT_EQ(pool->stats().idle, 0u) << "the pool kept a connection that was inside a transaction";

  db::ReadRouting reads(io_.get_executor(), *pool, nullptr, {});
  db::UserStore users(*pool, reads);
  const auto found = run(users.find(*inserted));
  ASSERT_TRUE(found) << error_message(found);
  EXPECT_FALSE(found->has_value()) << "the next caller saw the abandoned transaction's row";
  EXPECT_EQ(pool->stats().idle, 1u);
  EXPECT_EQ(query_scalar("SELECT count(*) FROM users WHERE name = $1", {name}), "0");
}

TEST_P(PoolSessions, ATransactionDestroyedUncommittedIsRolledBackAndACommittedOneStays) {
  auto pool = one_connection();
  const auto abandoned = "abandoned " + unique_word();
  const auto kept = "kept " + unique_word();
  const auto insert = [&](const std::string& name, bool commit) -> asio::awaitable<db::Result<void>> {
    auto transaction = co_await db::Transaction::begin(*pool);
    if (!transaction) co_return transaction.error();
    auto rows = co_await transaction->execute(
        db::user_statements::insert,
        db::Params().add(std::string_view(name)).add_null().add_null().add_null().add_null().add_null());
    if (!rows) co_return rows.error();
    if (commit) co_return co_await transaction->commit();
    co_return db::Result<void>{};  // destroyed uncommitted
  };
  const auto first = run(insert(abandoned, false));
  ASSERT_TRUE(first) << error_message(first);
  const auto second = run(insert(kept, true));
  ASSERT_TRUE(second) << error_message(second);
  EXPECT_EQ(query_scalar("SELECT count(*) FROM users WHERE name = $1", {abandoned}), "0");
  EXPECT_EQ(query_scalar("SELECT count(*) FROM users WHERE name = $1", {kept}), "1");
  EXPECT_EQ(pool->stats().idle, 1u) << "a committed transaction's connection goes back to the pool";
}

TEST_P(PoolSessions, CommittingAFailedTransactionIsAnErrorNotASilentRollback) {
  auto pool = one_connection();
  const auto committed = run([&]() -> asio::awaitable<db::Result<void>> {
    auto transaction = co_await db::Transaction::begin(*pool);
    if (!transaction) co_return transaction.error();
    // A foreign key violation fails the transaction; the caller ignores it and commits anyway.
    (void)co_await transaction->execute(
        db::user_statements::insert,
        db::Params().add(std::string_view("Nobody")).add_null().add_null().add_null().add_null().add(std::int64_t{-1}));
    co_return co_await transaction->commit();
  }());
  EXPECT_EQ(error_kind(committed), db::ErrorKind::query) << error_message(committed);
  EXPECT_EQ(pool->stats().idle, 1u) << "COMMIT ended the failed transaction: the session is idle again";
}

INSTANTIATE_TEST_SUITE_P(BothModes, PoolSessions, ::testing::Values(db::DbMode::async, db::DbMode::sync), mode_name);

}  // namespace
}  // namespace coffeehouse::testing
