#pragma once
// The statement behind GET /bench/sleep (--enable-bench-routes): a query that takes as long as asked.
#include "db/pool.hpp"
#include "db/result.hpp"
#include "db/statements.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>

namespace coffeehouse::db {

class BenchStore {
 public:
  explicit BenchStore(Pool& pool) noexcept : pool_(pool) {}

  boost::asio::awaitable<Result<void>> sleep(std::int64_t milliseconds);

 private:
  Pool& pool_;
};

namespace bench_statements {
extern const StatementSpec sleep;  // $1 milliseconds
}  // namespace bench_statements

}  // namespace coffeehouse::db
