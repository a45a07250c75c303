#pragma once
// Where read statements run. Without a replica (no --database-read-url) on the primary's pool.
// With one, on the replica's pool while the replica is healthy: its last check answered and its
// replay lagged by no more than max_lag. A replica that fails a read (it went away), fails a
// check or lags too far is set aside at once: reads go to the primary, and come back when a
// check (every check_interval) finds it healthy again. A read that failed on the replica because
// the replica is unavailable runs again on the primary: reads change nothing, so that is safe.
//
// Read-your-writes: a lookup by key that misses on the replica is asked of the primary too. The
// row may be a write the replica has not replayed yet, and that is exactly what a client reading
// the Location of the user it just created meets; with several service instances behind a load
// balancer no instance knows what the others wrote, so the check cannot be skipped by memory.
// Lists and searches are served as the replica has them: at most max_lag stale.
//
// One ReadRouting per io thread, like its pools; only that thread touches it.
#include "db/pool.hpp"
#include "db/result.hpp"
#include "db/statements.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace coffeehouse::db {

struct ReplicaOptions {
  std::chrono::milliseconds max_lag{5000};
  std::chrono::milliseconds check_interval{500};
};

struct ReadRoutingStats {
  bool replica_configured = false;
  bool replica_serving = false;
  // The last check's replay lag; negative while no check has answered.
  std::int64_t replica_lag_ms = -1;
  std::uint64_t replica_reads = 0;
  std::uint64_t primary_reads = 0;
  // Reads run again on the primary because the replica could not answer them.
  std::uint64_t replica_failures = 0;
  // Lookups asked of the primary after a miss on the replica (read-your-writes).
  std::uint64_t misses_rechecked = 0;
};

class ReadRouting {
 public:
  // replica: null without --database-read-url (every read on `primary`).
  ReadRouting(boost::asio::any_io_executor executor, Pool& primary, std::shared_ptr<Pool> replica,
              ReplicaOptions options);
  ReadRouting(const ReadRouting&) = delete;
  ReadRouting& operator=(const ReadRouting&) = delete;

  // A statement that returns any number of rows (a list, a search).
  boost::asio::awaitable<Result<Rows>> query(const StatementSpec& statement, const Params& params);
  // A statement that finds a row by key: no row on the replica is checked on the primary.
  boost::asio::awaitable<Result<Rows>> lookup(const StatementSpec& statement, const Params& params);

  // Checks the replica's health every check_interval until stop(); returns at once without a
  // replica. Spawned once per io thread.
  boost::asio::awaitable<void> watch_replica();
  // Ends watch_replica and closes the replica's pool.
  void stop();

  bool replica_serving() const noexcept { return stats_.replica_serving; }
  const ReadRoutingStats& stats() const noexcept { return stats_; }

 private:
  boost::asio::awaitable<Result<Rows>> read(const StatementSpec& statement, const Params& params, bool recheck_miss);
  // Reads go to the primary from now on (logged when that changes).
  void set_aside(const std::string& why);
  void check_answered(const Result<Rows>& rows);

  Pool& primary_;
  std::shared_ptr<Pool> replica_;
  ReplicaOptions options_;
  boost::asio::steady_timer next_check_;
  bool stopped_ = false;
  ReadRoutingStats stats_;  // replica_serving is true only with a replica that passed its last check
};

namespace replica_statements {
// (in_recovery boolean, lag_ms bigint): how far the server's replay is behind what it received.
extern const StatementSpec lag;
}  // namespace replica_statements

}  // namespace coffeehouse::db
