#pragma once
// A pool of connections owned by one io thread (share-nothing: each thread has its own pool, so
// there is no lock anywhere on the query path). Handlers wait for a free connection in a bounded
// queue with a deadline; a broken connection is dropped, and reconnecting backs off while the
// database is unreachable so that requests fail fast instead of piling up.
//
// A connection comes back to the pool only when its session is idle: outside any transaction,
// with nothing in progress. One left inside a transaction (a Transaction never committed, a
// statement abandoned half-way) is closed, which makes the server roll that transaction back;
// the next caller never inherits another's uncommitted work or its session state.
//
// execute() needs a connection only for one statement. With pipeline_depth > 1 (pipelining
// connections) up to that many such statements share a connection at once: a statement goes to
// an idle connection, else to a new one while under max_connections, else to the connection with
// the fewest in flight. acquire() always gets a connection of its own (transactions).
#include "db/connection.hpp"
#include "metrics/histogram.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <vector>

namespace coffeehouse::db {

struct PoolOptions {
  std::size_t max_connections = 4;
  // Statements of execute() in flight per connection at most; 1 unless the connections pipeline.
  std::size_t pipeline_depth = 1;
  std::size_t max_waiters = 1024;
  std::chrono::milliseconds acquire_timeout{2000};
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{1000};
};

struct PoolStats {
  std::size_t idle = 0;
  std::size_t in_use = 0;  // leased, or running statements of execute()
  std::size_t connecting = 0;
  std::size_t waiters = 0;
  // Requests that got no connection since the pool was created, by why.
  std::uint64_t refused_overloaded = 0;   // the waiter queue was full
  std::uint64_t refused_timed_out = 0;    // waited out --acquire-timeout-ms
  std::uint64_t refused_unavailable = 0;  // the database could not be reached
};

class Pool;

// Exclusive use of one connection; returns it to the pool when destroyed.
class Lease {
 public:
  Lease() = default;
  Lease(std::shared_ptr<Pool> pool, std::unique_ptr<Connection> connection);
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&& other) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  explicit operator bool() const noexcept { return connection_ != nullptr; }
  boost::asio::awaitable<Result<Rows>> execute(const StatementSpec& statement, const Params& params);

 private:
  void release() noexcept;

  std::shared_ptr<Pool> pool_;
  std::unique_ptr<Connection> connection_;
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  static std::shared_ptr<Pool> create(boost::asio::any_io_executor executor, PoolOptions options,
                                      ConnectionFactory factory);

  // A connection of the caller's own until the lease is destroyed.
  boost::asio::awaitable<Result<Lease>> acquire();

  // Acquire, run one statement, release: what most stores need.
  boost::asio::awaitable<Result<Rows>> execute(const StatementSpec& statement, const Params& params);

  // Closes idle connections and fails every waiter; leases still out are dropped on return.
  void close();
  PoolStats stats() const noexcept;
  // How long statements took, send to last result (owned by this pool's thread).
  const metrics::Histogram& query_durations() const noexcept { return query_durations_; }

  Pool(boost::asio::any_io_executor executor, PoolOptions options, ConnectionFactory factory);

 private:
  friend class Lease;
  struct Waiter;
  // An open connection that is not leased, and how many statements of execute() it runs.
  struct Shared {
    std::unique_ptr<Connection> connection;
    std::size_t in_flight = 0;
  };
  // A place for one statement on a shared connection (in_flight counted), or why there is none.
  boost::asio::awaitable<Result<Shared*>> take_shared();
  void return_shared(Shared& shared) noexcept;
  // Opens a new connection, backing off after failures.
  boost::asio::awaitable<Result<std::unique_ptr<Connection>>> connect();
  // Opens a connection into shared_ for the caller's statement.
  boost::asio::awaitable<Result<Shared*>> open_shared();
  // An idle shared connection that survived idling (stale ones are dropped on the way), or end().
  std::list<Shared>::iterator idle_shared();
  // The shared connection with the fewest statements in flight below pipeline_depth, or null.
  Shared* least_loaded() noexcept;
  // Why a caller that found no connection must not queue for one, if it must not.
  std::optional<DbError> refuse_to_wait(bool can_open);
  // Counts `error` in stats() by its kind, and returns it.
  DbError refused(DbError error) noexcept;
  // Queues the caller until it is handed something, fails, or the acquire timeout passes.
  boost::asio::awaitable<void> wait_in_queue(Waiter& waiter);
  void give_back(std::unique_ptr<Connection> connection) noexcept;
  // Whether a connection that has nothing in flight may serve again (see the class comment).
  static bool reusable(const Connection& connection) noexcept;
  // A connection was dropped: its slot goes to the first waiter, which opens a new one.
  void slot_freed() noexcept;
  // Hands `shared` to waiters while it has room for them.
  void serve_waiters(std::list<Shared>::iterator shared) noexcept;
  // Wakes every waiter with `error`.
  void fail_waiters(const DbError& error);
  bool in_backoff() const noexcept;
  std::size_t open_count() const noexcept { return shared_.size() + leased_ + connecting_; }

  boost::asio::any_io_executor executor_;
  PoolOptions options_;
  ConnectionFactory factory_;
  // A list: waiters and running statements hold pointers to its elements.
  std::list<Shared> shared_;
  std::deque<Waiter*> waiters_;
  std::size_t leased_ = 0;
  std::size_t connecting_ = 0;
  std::uint64_t refused_overloaded_ = 0;
  std::uint64_t refused_timed_out_ = 0;
  std::uint64_t refused_unavailable_ = 0;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point next_connect_attempt_{};
  bool closed_ = false;
  metrics::Histogram query_durations_;
};

}  // namespace coffeehouse::db
