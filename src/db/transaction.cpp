#include "db/transaction.hpp"

namespace coffeehouse::db {

using boost::asio::awaitable;

namespace transaction_statements {
const StatementSpec begin{"begin_transaction", "BEGIN", TransactionEffect::begins};
const StatementSpec commit{"commit_transaction", "COMMIT", TransactionEffect::ends};
const StatementSpec rollback{"rollback_transaction", "ROLLBACK", TransactionEffect::ends};
}  // namespace transaction_statements

awaitable<Result<Transaction>> Transaction::begin(Pool& pool) {
  auto lease = co_await pool.acquire();
  if (!lease) co_return lease.error();
  if (auto begun = co_await lease->execute(transaction_statements::begin, {}); !begun) co_return begun.error();
  co_return Transaction(std::move(*lease));
}

awaitable<Result<Rows>> Transaction::execute(const StatementSpec& statement, const Params& params) {
  if (!lease_) co_return DbError(ErrorKind::query, "the transaction has ended");
  co_return co_await lease_.execute(statement, params);
}

awaitable<Result<void>> Transaction::commit() { co_return co_await finish(transaction_statements::commit); }

awaitable<Result<void>> Transaction::rollback() { co_return co_await finish(transaction_statements::rollback); }

awaitable<Result<void>> Transaction::finish(const StatementSpec& statement) {
  if (!lease_) co_return DbError(ErrorKind::query, "the transaction has ended");
  auto finished = co_await lease_.execute(statement, {});
  // Back to the pool now, finished or not: one whose COMMIT failed is not idle, and is closed.
  lease_ = Lease();
  if (!finished) co_return finished.error();
  // COMMIT of a transaction that had already failed succeeds, with the tag ROLLBACK.
  if (&statement == &transaction_statements::commit && finished->command_status() == "ROLLBACK") {
    co_return DbError(ErrorKind::query, "the transaction had failed and was rolled back");
  }
  co_return Result<void>{};
}

}  // namespace coffeehouse::db
