#include "db/sync_connection.hpp"

#include "db/conninfo.hpp"

namespace coffeehouse::db {

boost::asio::awaitable<Result<void>> SyncConnection::connect() {
  conn_ = connect_blocking(options().database_url, options().connect_timeout);
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
    conn_.reset();
    co_return DbError(ErrorKind::unavailable, std::move(message));
  }
  watch_server_notices(conn_.get());
  // Pipeline mode, blocking: several steps can share one Sync (and one round trip), and libpq
  // still waits inside PQgetResult for each answer.
  if (PQenterPipelineMode(conn_.get()) == 0) {
    std::string message = PQerrorMessage(conn_.get());
    conn_.reset();
    co_return DbError(ErrorKind::unavailable, std::move(message));
  }
  co_return Result<void>{};
}

boost::asio::awaitable<Result<Rows>> SyncConnection::exchange(std::span<const Step> steps) {
  PGconn* conn = conn_.get();
  if (conn == nullptr) co_return DbError(ErrorKind::unavailable, "connection is not open");
  for (const auto& step : steps) {
    if (!send_step(conn, step)) co_return DbError(ErrorKind::unavailable, PQerrorMessage(conn));
  }
  // Sends the Sync and flushes: a blocking connection returns once all of it is written.
  if (PQpipelineSync(conn) == 0) co_return DbError(ErrorKind::unavailable, PQerrorMessage(conn));
  ResultCollector results;
  // Each step's results end with a null, the exchange with the Sync's result.
  std::size_t ended = 0;
  for (;;) {
    PgResultPtr result(PQgetResult(conn));
    if (!result) {
      if (PQstatus(conn) == CONNECTION_BAD) co_return DbError(ErrorKind::unavailable, PQerrorMessage(conn));
      if (++ended > steps.size()) co_return DbError(ErrorKind::unavailable, "lost track of the results");
      continue;
    }
    if (PQresultStatus(result.get()) == PGRES_PIPELINE_SYNC) break;
    results.add(std::move(result));
    // A lost connection answers with an error and then no Sync: the error is the outcome.
    if (PQstatus(conn) == CONNECTION_BAD) break;
  }
  co_return results.outcome(conn);
}

bool SyncConnection::broken() const noexcept { return !conn_ || PQstatus(conn_.get()) != CONNECTION_OK; }

}  // namespace coffeehouse::db
