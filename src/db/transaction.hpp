#pragma once
// A transaction on a connection of its own. It ends in one of three ways: commit(), rollback(),
// or destruction without either, which hands the connection back still inside the transaction:
// the pool then closes it, and the server rolls the transaction back (see Pool). Early returns
// on error paths therefore need no hand-written ROLLBACK.
#include "db/pool.hpp"
#include "db/result.hpp"
#include "db/rows.hpp"
#include "db/statements.hpp"

#include <boost/asio/awaitable.hpp>

namespace coffeehouse::db {

class Transaction {
 public:
  // Acquires a connection and sends BEGIN.
  static boost::asio::awaitable<Result<Transaction>> begin(Pool& pool);

  Transaction(Transaction&&) noexcept = default;
  Transaction& operator=(Transaction&&) noexcept = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() = default;

  boost::asio::awaitable<Result<Rows>> execute(const StatementSpec& statement, const Params& params);
  // Either ends the transaction and returns the connection to the pool, whatever the outcome.
  boost::asio::awaitable<Result<void>> commit();
  boost::asio::awaitable<Result<void>> rollback();

 private:
  explicit Transaction(Lease lease) noexcept : lease_(std::move(lease)) {}
  boost::asio::awaitable<Result<void>> finish(const StatementSpec& statement);

  Lease lease_;
};

namespace transaction_statements {
extern const StatementSpec begin;
extern const StatementSpec commit;
extern const StatementSpec rollback;
}  // namespace transaction_statements

}  // namespace coffeehouse::db
