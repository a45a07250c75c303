#pragma once
// A pool of connections owned by one io thread (share-nothing: each thread has its own pool, so
// there is no lock anywhere on the query path). Handlers wait for a free connection in a bounded
// queue with a deadline; a broken connection is dropped, and reconnecting backs off while the
// database is unreachable so that requests fail fast instead of piling up.
#include "db/connection.hpp"
#include "metrics/histogram.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

namespace coffeehouse::db {

struct PoolOptions {
  std::size_t max_connections = 4;
  std::size_t max_waiters = 1024;
  std::chrono::milliseconds acquire_timeout{2000};
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{1000};
};

struct PoolStats {
  std::size_t idle = 0;
  std::size_t in_use = 0;
  std::size_t connecting = 0;
  std::size_t waiters = 0;
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
  boost::asio::awaitable<QueryOutcome> execute(Statement statement, const Params& params);

 private:
  void release() noexcept;

  std::shared_ptr<Pool> pool_;
  std::unique_ptr<Connection> connection_;
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  static std::shared_ptr<Pool> create(boost::asio::any_io_executor executor, PoolOptions options,
                                      ConnectionFactory factory);

  struct Acquired {
    Lease lease;
    DbError error;
  };
  boost::asio::awaitable<Acquired> acquire();

  // Acquire, run one statement, release: what most handlers need.
  boost::asio::awaitable<QueryOutcome> execute(Statement statement, const Params& params);

  // Closes idle connections and fails every waiter; leases still out are dropped on return.
  void close();
  PoolStats stats() const noexcept;
  // How long statements took, send to last result (owned by this pool's thread).
  const metrics::Histogram& query_durations() const noexcept { return query_durations_; }

  Pool(boost::asio::any_io_executor executor, PoolOptions options, ConnectionFactory factory);

 private:
  friend class Lease;
  struct Waiter;

  boost::asio::awaitable<Acquired> open_new_connection();
  void give_back(std::unique_ptr<Connection> connection) noexcept;
  // Wakes every waiter with `error`.
  void fail_waiters(const DbError& error);
  bool in_backoff() const noexcept;
  std::size_t open_count() const noexcept { return idle_.size() + in_use_ + connecting_; }

  boost::asio::any_io_executor executor_;
  PoolOptions options_;
  ConnectionFactory factory_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::deque<Waiter*> waiters_;
  std::size_t in_use_ = 0;
  std::size_t connecting_ = 0;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point next_connect_attempt_{};
  bool closed_ = false;
  metrics::Histogram query_durations_;
};

}  // namespace coffeehouse::db
