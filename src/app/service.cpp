#include "app/service.hpp"

#include "app/seed_gate.hpp"
#include "seed/seed_source.hpp"

#include "db/connection.hpp"
#include "db/pool.hpp"
#include "db/read_routing.hpp"
#include "db/seed_store.hpp"
#include "handlers/request_parsing.hpp"
#include "handlers/routes.hpp"
#include "net/admission.hpp"
#include "net/listener.hpp"
#include "net/task_group.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <thread>

namespace coffeehouse::app {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

bool pipelines(const ServeConfig& config) { return config.db_mode == db::DbMode::async && config.db_pipeline; }

metrics::AdmissionGauges admission_gauges(const net::AdmissionStats& stats) {
  return {stats.in_progress, stats.queued, stats.refused};
}

metrics::PoolGauges pool_gauges(const db::PoolStats& stats) {
  return {stats.idle,
          stats.in_use,
          stats.connecting,
          stats.waiters,
          stats.refused_overloaded,
          stats.refused_timed_out,
          stats.refused_unavailable};
}

// One io thread's pool on `database_url` (the primary's, or the replica's for reads).
std::shared_ptr<db::Pool> make_pool(asio::io_context& io, const ServeConfig& config, unsigned connections,
                                    const std::string& database_url) {
  return db::Pool::create(
      io.get_executor(),
      db::PoolOptions{.max_connections = connections,
                      .pipeline_depth = pipelines(config) ? config.db_pipeline_depth : 1,
                      .max_waiters = config.max_waiters,
                      .acquire_timeout = config.acquire_timeout},
      db::make_connection_factory(config.db_mode, io.get_executor(),
                                  db::ConnectionOptions{.database_url = database_url,
                                                        .statement_timeout = config.statement_timeout,
                                                        .pipeline = pipelines(config),
                                                        .prepared_statements = config.db_prepared_statements}));
}

}  // namespace

struct Service::Worker {
  Worker(Service& owner, const ServeConfig& config, const handlers::AppState& state, unsigned pool_connections)
      : tasks(io.get_executor()),
        limits{.header_limit = config.max_header_bytes,
               .body_limit = config.max_body_bytes,
               .read_timeout = config.read_timeout,
               .idle_timeout = config.idle_timeout},
        admission({.max_in_progress = config.max_in_progress, .max_wait = config.queue_timeout}),
        overload_detail(fmt::format("requests waited {} ms (--queue-timeout-ms) in line for one of the {} places "
                                    "(--max-in-progress) of their io thread",
                                    config.queue_timeout.count(), config.max_in_progress)),
        pool(make_pool(io, config, pool_connections, config.database_url)),
        read_pool(config.database_read_url.empty() ? nullptr
                                                   : make_pool(io, config, pool_connections, config.database_read_url)),
        reads(io.get_executor(), *pool, read_pool,
              {.max_lag = config.max_replica_lag, .check_interval = config.replica_check_interval}),
        services{db::UserStore(*pool, reads),
                 db::CoffeeStore(reads),
                 db::SchemaStore(*pool),
                 db::BenchStore(*pool),
                 reads,
                 state,
                 [&owner] { return owner.collect_metrics(); },
                 [&owner]() -> const metrics::ExpositionLabels& { return owner.exposition_labels_; }},
        router(handlers::make_router(services)),
        metrics(router.patterns().size()),
        handler([this](const net::Request& request) { return serve(request); }),
        seed_gate(io.get_executor()) {}

  asio::awaitable<net::Response> serve(const net::Request& request) {
    // The route says what its requests wait for (handlers/routes.hpp): the probes for nothing,
    // /metrics for the seeding only, the API for the seeding and then a place in line.
    auto routed = router.resolve(request);
    const auto access = routed.access();
    if (access.waits_for_startup) co_await seed_gate.wait_until_open();
    const auto started = std::chrono::steady_clock::now();
    std::optional<net::Admission::Place> place;
    if (access.waits_in_line) {
      place = co_await admission.enter();
      if (!place) {
        auto refusal = handlers::overloaded_response(overload_detail);
        metrics.record_request(routed.route(), request.method(), refusal.result_int(),
                               std::chrono::steady_clock::now() - started);
        co_return refusal;
      }
    }
    auto dispatched = co_await router.dispatch(request, std::move(routed));
    metrics.record_request(dispatched.route, request.method(), dispatched.response.result_int(),
                           std::chrono::steady_clock::now() - started);
    co_return std::move(dispatched.response);
  }

  metrics::ReadGauges read_gauges() const {
    const auto stats = reads.stats();
    return {stats.replica_configured,
            1,
            stats.replica_serving ? 1u : 0u,
            stats.replica_lag_ms,
            stats.replica_reads,
            stats.primary_reads,
            stats.replica_failures,
            stats.misses_rechecked,
            read_pool ? pool_gauges(read_pool->stats()) : metrics::PoolGauges{}};
  }

  // The graceful stop, by cancellation: no new connections; idle ones close at once (total
  // cancellation ends their keep-alive wait); requests in flight have `grace` to finish, then
  // terminal cancellation cuts off what they wait for and their sessions end as after any error.
  // Every coroutine runs to its end, the pools close, and the io_context, out of work, returns
  // from run() by itself.
  asio::awaitable<void> drain(std::chrono::milliseconds grace) {
    if (acceptor) acceptor->close();
    if (signals) signals->cancel();
    reads.stop();
    sessions.drain();
    tasks.emit(asio::cancellation_type::total);
    // (No co_await inside a condition: GCC 12 miscompiles some of those.)
    bool finished = co_await tasks.wait_until_empty(grace);
    if (!finished) {
      spdlog::warn("{} connection(s) still busy after the grace period; cancelling what they wait for", tasks.size());
      tasks.emit(asio::cancellation_type::terminal);
      // In sync mode a statement blocks its thread until it ends (at most --statement-timeout-ms);
      // every other wait ends at once.
      for (;;) {
        finished = co_await tasks.wait_until_empty(std::chrono::seconds(5));
        if (finished) break;
        spdlog::warn("{} connection(s) still finishing after the grace period", tasks.size());
      }
    }
    pool->close();
  }

  // Everything that does I/O on this context (sockets, timers, libpq's descriptors) lives on its
  // own thread; other threads only post to it. So the reactor needs no locks, while posting keeps
  // them (collect_metrics, open_gates and request_stop post from other threads). Declared first:
  // the objects below belong to it.
  asio::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  // The accept loop, the sessions and the background checks: what a stop cancels and waits for.
  net::TaskGroup tasks;
  net::SessionLimits limits;
  net::SessionRegistry sessions;
  net::Admission admission;
  // What the log says of a refusal from the line (formatted once: refusals come in floods).
  std::string overload_detail;
  std::shared_ptr<db::Pool> pool;
  std::shared_ptr<db::Pool> read_pool;  // with --database-read-url
  db::ReadRouting reads;
  handlers::Services services;
  net::Router router;
  metrics::WorkerMetrics metrics;
  net::RequestHandler handler;
  SeedGate seed_gate;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  // Keeps run() going until every thread has drained (Service::worker_drained).
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
};

Service::Service(const ServeConfig& config, std::vector<std::string> expected_heads) : config_(config) {
  state_.expected_heads = std::move(expected_heads);
  state_.seeding_finished = config_.seed == SeedMode::never;
  state_.bench_routes = config_.bench_routes;
  state_.max_json_depth = config_.max_json_depth;
  connection_budget_ = std::make_unique<net::ConnectionBudget>(config_.max_connections);
  if (config_.seed == SeedMode::automatic) seed_source_ = std::make_unique<seed::SeedDataSource>(config_.seed_source);
  for (unsigned index = 0; index < config_.threads; ++index) {
    workers_.push_back(std::make_unique<Worker>(*this, config_, state_, pool_share(config_, index)));
  }
  exposition_labels_ = {&workers_.front()->router.patterns(), config_.db_mode == db::DbMode::async ? "async" : "sync",
                        COFFEEHOUSE_VERSION};
  tcp::endpoint endpoint(asio::ip::make_address(config_.listen_host), config_.listen_port);
  net::ensure_address_is_free(workers_.front()->io, endpoint);
  workers_.front()->acceptor.emplace(net::open_listener(workers_.front()->io, endpoint));
  // With port 0 the first bind picks the port; the other threads join that one.
  port_ = workers_.front()->acceptor->local_endpoint().port();
  endpoint.port(port_);
  for (std::size_t index = 1; index < workers_.size(); ++index) {
    workers_[index]->acceptor.emplace(net::open_listener(workers_[index]->io, endpoint));
  }
}

Service::~Service() = default;

void Service::run() {
  for (auto& worker : workers_) worker->keep_running.emplace(worker->io.get_executor());
  for (auto& worker : workers_) {
    worker->tasks.spawn(net::accept_connections(*worker->acceptor, worker->handler, worker->limits, worker->sessions,
                                                *connection_budget_, worker->tasks),
                        "the accept loop");
    worker->tasks.spawn(worker->reads.watch_replica(), "the replica check");
  }
  if (state_.seeding_finished) {
    open_gates();
  } else {
    workers_.front()->tasks.spawn(seed_then_open_gates(), "the seeding");
  }
  std::vector<std::jthread> threads;
  for (std::size_t index = 1; index < workers_.size(); ++index) {
    threads.emplace_back([worker = workers_[index].get()] { worker->io.run(); });
  }
  workers_.front()->io.run();
}

void Service::open_gates() {
  for (auto& worker : workers_) {
    asio::post(worker->io, [worker = worker.get()] { worker->seed_gate.open(); });
  }
}

asio::awaitable<void> Service::seed_then_open_gates() {
  db::SeedStore store(*workers_.front()->pool);
  asio::steady_timer retry(workers_.front()->io);
  auto delay = std::chrono::milliseconds(250);
  bool gates_opened = false;
  while (!stopping_) {
    auto seeded = co_await seed_if_empty(store);
    if (seeded) {
      if (seeded->stored) {
        spdlog::info("seeded the empty database with {} coffees and {} users", seeded->coffees, seeded->users);
      }
      break;
    }
    const auto& error = seeded.error();
    const bool passing_outage = error.kind == db::ErrorKind::unavailable || error.kind == db::ErrorKind::overloaded ||
                                error.kind == db::ErrorKind::acquire_timeout || error.kind == db::ErrorKind::timeout;
    if (!passing_outage) {
      // Not a passing outage (e.g. the schema is missing): retrying will not help.
      spdlog::error("seeding failed: {}", error.message);
      break;
    }
    // Requests must not hang on a database that is down: let them through (they get 503s) and
    // keep trying in the background.
    if (!gates_opened) open_gates();
    gates_opened = true;
    spdlog::warn("seeding postponed, the database is unavailable ({}); retrying in {} ms", error.message,
                 delay.count());
    retry.expires_after(delay);
    co_await retry.async_wait(asio::as_tuple(asio::use_awaitable));
    // Capped like the pool's reconnect backoff, so seeding (and readiness) follows within about
    // a second of the database appearing rather than after a long sleep.
    delay = std::min(delay * 2, db::PoolOptions{}.max_backoff);
  }
  state_.seeding_finished = true;
  if (!gates_opened) open_gates();
}

asio::awaitable<db::Result<db::SeedStored>> Service::seed_if_empty(db::SeedStore& store) {
  auto empty = co_await store.tables_are_empty();
  if (!empty) co_return empty.error();
  if (!*empty) co_return db::SeedStored{};
  const auto data = co_await seed_source_->obtain(10);
  co_return co_await store.store(data, db::SeedPolicy::only_if_empty);
}

asio::awaitable<metrics::Snapshot> Service::collect_metrics() {
  metrics::Snapshot merged;
  for (auto& worker : workers_) {
    // Runs on the worker's own thread, the only one that touches its metrics and pool.
    auto copy = co_await asio::co_spawn(
        worker->io,
        [worker = worker.get()]() -> asio::awaitable<metrics::Snapshot> {
          co_return metrics::Snapshot{worker->metrics, worker->pool->query_durations(),
                                      pool_gauges(worker->pool->stats()), admission_gauges(worker->admission.stats()),
                                      worker->read_gauges()};
        },
        asio::use_awaitable);
    merged.requests.merge(copy.requests);
    merged.query_durations.merge(copy.query_durations);
    merged.pool.merge(copy.pool);
    merged.admission.merge(copy.admission);
    merged.reads.merge(copy.reads);
  }
  co_return merged;
}

void Service::request_stop() {
  if (stopping_.exchange(true)) return;
  spdlog::info("shutting down: no new connections, waiting up to {} ms for in-flight requests",
               config_.shutdown_grace.count());
  workers_draining_ = workers_.size();
  for (auto& worker : workers_) {
    // The coroutine is made on the worker's own thread, like everything that runs there.
    asio::post(worker->io,
               [this, worker = worker.get()] { asio::co_spawn(worker->io, drain_worker(*worker), asio::detached); });
  }
}

asio::awaitable<void> Service::drain_worker(Worker& worker) {
  co_await worker.drain(config_.shutdown_grace);
  worker_drained();
}

void Service::worker_drained() {
  if (workers_draining_.fetch_sub(1) != 1) return;
  // Every thread has drained: nothing will post across threads any more (a /metrics request
  // asks every thread), so each io_context may now run out of work and return from run().
  for (auto& worker : workers_) {
    asio::post(worker->io, [worker = worker.get()] { worker->keep_running.reset(); });
  }
}

void Service::stop_on_signals() {
  auto& first = *workers_.front();
  first.signals.emplace(first.io, SIGINT, SIGTERM);
  first.signals->async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    spdlog::info("received signal {}", signal_number);
    request_stop();
  });
}

}  // namespace coffeehouse::app
