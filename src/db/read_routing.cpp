#include "db/read_routing.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coffeehouse::db {

using boost::asio::awaitable;

namespace replica_statements {

// A standby that has replayed all the WAL it received is as fresh as it can be: lag 0 (a standby
// cut off from its primary also says 0 — and then its data is the newest there is to read).
// Otherwise the lag is the age of the last transaction it replayed (or, when it has replayed none
// since it started, of its start): an upper bound when the primary was quiet before the write
// the standby is now waiting to apply. A server that is not in recovery (the read URL names a
// primary, or the standby was promoted) lags by nothing.
const StatementSpec lag{"replica_lag",
                        "SELECT pg_is_in_recovery(), CASE"
                        " WHEN NOT pg_is_in_recovery() THEN 0"
                        " WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0"
                        " ELSE (extract(epoch FROM clock_timestamp() -"
                        "   coalesce(pg_last_xact_replay_timestamp(), pg_postmaster_start_time())) * 1000)::bigint"
                        " END"};

}  // namespace replica_statements

ReadRouting::ReadRouting(boost::asio::any_io_executor executor, Pool& primary, std::shared_ptr<Pool> replica,
                         ReplicaOptions options)
    : primary_(primary), replica_(std::move(replica)), options_(options), next_check_(std::move(executor)) {
  stats_.replica_configured = replica_ != nullptr;
}

awaitable<Result<Rows>> ReadRouting::query(const StatementSpec& statement, const Params& params) {
  return read(statement, params, false);
}

awaitable<Result<Rows>> ReadRouting::lookup(const StatementSpec& statement, const Params& params) {
  return read(statement, params, true);
}

awaitable<Result<Rows>> ReadRouting::read(const StatementSpec& statement, const Params& params, bool recheck_miss) {
  if (replica_serving()) {
    auto rows = co_await replica_->execute(statement, params);
    if (!rows && rows.error().kind == ErrorKind::unavailable) {
      ++stats_.replica_failures;
      set_aside("a read failed on the replica: " + rows.error().message);
    } else if (rows && recheck_miss && rows->size() == 0) {
      ++stats_.misses_rechecked;
    } else {
      ++stats_.replica_reads;
      co_return rows;
    }
  }
  ++stats_.primary_reads;
  co_return co_await primary_.execute(statement, params);
}

void ReadRouting::set_aside(const std::string& why) {
  if (stats_.replica_serving) spdlog::warn("reads moved to the primary: {}", why);
  stats_.replica_serving = false;
}

void ReadRouting::check_answered(const Result<Rows>& rows) {
  if (!rows) {
    stats_.replica_lag_ms = -1;
    set_aside("the replica's check failed: " + rows.error().message);
    return;
  }
  stats_.replica_lag_ms = rows->integer(0, 1);
  if (stats_.replica_lag_ms > options_.max_lag.count()) {
    set_aside("the replica lags by " + std::to_string(stats_.replica_lag_ms) + " ms, more than --max-replica-lag-ms " +
              std::to_string(options_.max_lag.count()));
    return;
  }
  if (!stats_.replica_serving) spdlog::info("reads on the replica (lag {} ms)", stats_.replica_lag_ms);
  stats_.replica_serving = true;
}

awaitable<void> ReadRouting::watch_replica() {
  if (!replica_) co_return;
  while (!stopped_) {
    auto rows = co_await replica_->execute(replica_statements::lag, Params());
    if (stopped_) break;
    check_answered(rows);
    next_check_.expires_after(options_.check_interval);
    co_await next_check_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

void ReadRouting::stop() {
  stopped_ = true;
  stats_.replica_serving = false;
  next_check_.cancel();
  if (replica_) replica_->close();
}

}  // namespace coffeehouse::db
