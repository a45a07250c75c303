#include "db/bench_store.hpp"

namespace coffeehouse::db {

namespace bench_statements {
const StatementSpec sleep{"bench_sleep", "SELECT pg_sleep($1::double precision / 1000)"};
}  // namespace bench_statements

boost::asio::awaitable<Result<void>> BenchStore::sleep(std::int64_t milliseconds) {
  auto rows = co_await pool_.execute(bench_statements::sleep, Params().add(milliseconds));
  if (!rows) co_return rows.error();
  co_return Result<void>{};
}

}  // namespace coffeehouse::db
