#pragma once
// The running service: one io thread per worker, each with its own event loop, accept loop on
// the shared listening socket, sessions and database pool (share-nothing), plus graceful stop
// by cancellation.
#include "app/config.hpp"
#include "db/seed_store.hpp"
#include "handlers/services.hpp"
#include "net/session.hpp"
#include "seed/seed_source.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace coffeehouse::app {

class Service {
 public:
  // Binds the listening socket (throws std::system_error if it cannot); serves nothing yet.
  // expected_heads: the sorted head revisions /readyz compares the database with.
  Service(const ServeConfig& config, std::vector<std::string> expected_heads);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  std::uint16_t port() const noexcept { return port_; }

  // Serves on the calling thread plus threads-1 more; returns once stopped.
  void run();
  // Graceful stop from any thread: stop accepting, close idle connections, let in-flight
  // requests finish within shutdown_grace, then cancel what they still wait for and close the
  // pools; run() returns once every coroutine has ended.
  void request_stop();
  // SIGINT/SIGTERM call request_stop (the serve command wants this; tests do not).
  void stop_on_signals();

 private:
  struct Worker;

  // --seed auto: fills empty tables once, holding requests back until done or impossible.
  boost::asio::awaitable<void> seed_then_open_gates();
  boost::asio::awaitable<db::Result<db::SeedStored>> seed_if_empty(db::SeedStore& store);
  void open_gates();
  // Drains `worker` on its own thread, then reports it drained; the last one lets every
  // io_context run out of work.
  boost::asio::awaitable<void> drain_worker(Worker& worker);
  void worker_drained();
  // Asks every io thread for a copy of its metrics and merges them.
  boost::asio::awaitable<metrics::Snapshot> collect_metrics();

  ServeConfig config_;
  handlers::AppState state_;
  metrics::ExpositionLabels exposition_labels_;
  std::unique_ptr<net::ConnectionBudget> connection_budget_;
  std::unique_ptr<seed::SeedDataSource> seed_source_;  // with --seed auto
  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> workers_draining_{0};
};

}  // namespace coffeehouse::app
