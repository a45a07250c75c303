// What the service does when PostgreSQL stops, restarts, crashes or runs out of connections,
// and when clients leave early. Tests that take PostgreSQL away run against a PrivateCluster so
// that the suite's shared cluster never goes down under tests running in parallel.
#include "handlers/user_input.hpp"
#include "support/db_results.hpp"
#include "support/admin_sql.hpp"
#include "support/api_test.hpp"
#include "support/reliability_cluster.hpp"
#include "support/reliability_load.hpp"
#include "support/service_probes.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <future>
#include <optional>
#include <sstream>
#include <set>
#include <thread>

namespace coffeehouse::testing {
namespace {

using namespace std::chrono_literals;

// The promise for a request while the database is unreachable: 503, Retry-After, the JSON error.
constexpr auto longest_outage_answer = 3s;  // --acquire-timeout-ms (2 s) + 1 s of slack
// Once PostgreSQL accepts connections again, every request succeeds within this.
constexpr auto recovery_bound = 2s;

// How the service waits for PostgreSQL: the two --db-mode values, and async mode with
// --db-pipeline on, whose connections carry several requests' queries when the backend dies.
struct Driver {
  db::DbMode mode;
  bool pipeline;
  const char* name;
};
constexpr Driver async_driver{db::DbMode::async, false, "Async"};
constexpr Driver sync_driver{db::DbMode::sync, false, "Sync"};
constexpr Driver pipelined_driver{db::DbMode::async, true, "Pipelined"};

class Reliability : public ::testing::TestWithParam<Driver> {};

std::string driver_name(const ::testing::TestParamInfo<Driver>& param_info) { return param_info.param.name; }
void PrintTo(const Driver& driver, std::ostream* out) { *out << driver.name; }  // for gtest's messages

app::ServeConfig config_for(const Driver& driver) {
  auto config = test_config(driver.mode);
  config.db_pipeline = driver.pipeline;
  return config;
}

app::ServeConfig config_for(const PrivateCluster& cluster, const Driver& driver) {
  auto config = config_for(driver);
  config.database_url = cluster.database_url();
  return config;
}

std::int64_t insert_coffee_into(const PrivateCluster& cluster) {
  return std::stoll(cluster.scalar(
      "INSERT INTO coffee (title, origin, intensifier, notes) VALUES ('Outage Blend', 'Huila, Colombia', 'bright', "
      "'{}') RETURNING id"));
}

double seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

// Polls until PostgreSQL answers a query; returns when it first did.
Clock::time_point wait_until_postgres_answers(const PrivateCluster& cluster) {
  const auto deadline = Clock::now() + 30s;
  while (Clock::now() < deadline) {
    try {
      if (cluster.scalar("SELECT 1") == "1") return Clock::now();
    } catch (const std::runtime_error&) {
      std::this_thread::sleep_for(20ms);
    }
  }
  throw std::runtime_error("PostgreSQL did not come back within 30 s");
}

// Whether clients must have seen the fault. A stop of PostgreSQL always shows; a crash restart
// can be over before any request meets it (the pool replaces dead idle connections before use),
// so that test proves the fault happened from the database side instead.
enum class Outage : std::uint8_t { must_show, may_go_unseen };

// Every answer was a success or the promised outage answer, none took long, and every request
// sent `recovery_bound` after PostgreSQL was back succeeded. Returns how long after PostgreSQL
// was back the first request succeeded.
Clock::duration expect_fail_fast_then_recovery(const std::vector<Exchange>& exchanges, Clock::time_point back,
                                               Outage outage = Outage::must_show) {
  EXPECT_EQ(unexpected_answers(exchanges), "");
  const Exchange* slowest = nullptr;
  std::optional<Clock::time_point> first_success_after_back;
  std::size_t failures = 0;
  std::size_t sent_after_recovery_bound = 0;
  for (const auto& exchange : exchanges) {
    if (slowest == nullptr || exchange.took() > slowest->took()) slowest = &exchange;
    if (!exchange.succeeded()) ++failures;
    if (exchange.sent >= back && exchange.succeeded() && !first_success_after_back) {
      first_success_after_back = exchange.answered;
    }
    if (exchange.sent >= back + recovery_bound) {
      ++sent_after_recovery_bound;
      EXPECT_TRUE(exchange.succeeded()) << "sent " << seconds(exchange.sent - back) << " s after PostgreSQL was back: "
                                        << exchange.status << " " << exchange.detail;
    }
  }
  if (slowest == nullptr) {
    ADD_FAILURE() << "no requests";
    return {};
  }
  EXPECT_LT(slowest->took(), longest_outage_answer)
      << "a request took " << seconds(slowest->took()) << " s, sent " << seconds(slowest->sent - back)
      << " s after PostgreSQL was back: " << slowest->status << " " << slowest->detail;
  if (outage == Outage::must_show) {
    EXPECT_GT(failures, 0u) << "the outage went unnoticed: the test did not test anything";
  }
  EXPECT_GT(sent_after_recovery_bound, 20u) << "too little traffic after the recovery to judge it";
  if (!first_success_after_back) {
    ADD_FAILURE() << "no request succeeded after PostgreSQL was back";
    return {};
  }
  const auto recovery = *first_success_after_back - back;
  std::cout << "[ reliability ] " << failures << " of " << exchanges.size() << " requests failed; first success "
            << seconds(recovery) << " s after PostgreSQL was back; slowest answer " << seconds(slowest->took()) << " s\n";
  return recovery;
}

// The database holds every user whose POST was answered 201, each once and whole. A POST whose
// connection died while its INSERT ran has an unknown outcome (PostgreSQL may have committed just
// before the connection went) and was answered 503: such writes may be stored too, but at most
// one per statement in flight when the connections died, i.e. per pool connection.
void expect_acknowledged_writes_stored(const PrivateCluster& cluster, const std::string& prefix,
                                       std::int64_t coffee_id, const std::vector<Exchange>& exchanges,
                                       std::size_t in_flight_at_most, Outage outage = Outage::must_show) {
  std::set<std::string> acknowledged;
  std::size_t refused = 0;
  for (const auto& exchange : exchanges) {
    if (!exchange.is_write) continue;
    if (exchange.status == 201) {
      acknowledged.insert(exchange.name);
    } else {
      ++refused;
    }
  }
  const auto rows = cluster.column("SELECT name FROM users WHERE name LIKE $1", {prefix + "-%"});
  const std::set<std::string> stored(rows.begin(), rows.end());
  EXPECT_EQ(rows.size(), stored.size()) << "a user was stored twice";
  EXPECT_EQ(cluster.scalar("SELECT count(*) FROM users WHERE name LIKE $1 AND coffee_id IS DISTINCT FROM $2",
                           {prefix + "-%", std::to_string(coffee_id)}),
            "0")
      << "a stored user lacks what its POST sent";
  std::vector<std::string> lost;
  std::set_difference(acknowledged.begin(), acknowledged.end(), stored.begin(), stored.end(), std::back_inserter(lost));
  std::vector<std::string> unacknowledged;
  std::set_difference(stored.begin(), stored.end(), acknowledged.begin(), acknowledged.end(),
                      std::back_inserter(unacknowledged));
  EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged writes are missing, e.g. " << lost.front();
  EXPECT_LE(unacknowledged.size(), in_flight_at_most) << "writes answered 503 but stored";
  EXPECT_GT(acknowledged.size(), 0u);
  if (outage == Outage::must_show) {
    EXPECT_GT(refused, 0u) << "no write was refused: the outage missed the writes";
  }
  std::cout << "[ reliability ] writes: " << acknowledged.size() << " acknowledged, all stored; " << refused
            << " refused, of which " << unacknowledged.size() << " were committed as their connection died\n";
}

TEST_P(Reliability, PostgresRestartUnderLoadFailsFastThenRecoversWithoutLosingAcknowledgedWrites) {
  PrivateCluster cluster;
  const auto coffee_id = insert_coffee_into(cluster);
  const auto config = config_for(cluster, GetParam());
  RunningService service(config);
  const auto prefix = "restart-" + unique_word(8);
  Load load(service.port(), prefix, coffee_id, 4);

  std::this_thread::sleep_for(1s);
  cluster.stop();
  const auto down = Clock::now();
  std::this_thread::sleep_for(1500ms);
  const auto restarting = Clock::now();
  cluster.start();
  const auto back = Clock::now();
  std::this_thread::sleep_for(recovery_bound + 2s);
  const auto exchanges = load.stop();

  std::size_t while_down = 0;
  for (const auto& exchange : exchanges) {
    if (exchange.sent < down || exchange.answered > restarting) continue;
    ++while_down;
    EXPECT_EQ(exchange.status, 503u) << "answered while PostgreSQL was stopped: " << exchange.detail;
  }
  EXPECT_GT(while_down, 20u);
  expect_fail_fast_then_recovery(exchanges, back);
  expect_acknowledged_writes_stored(cluster, prefix, coffee_id, exchanges, config.pool_size);
}

TEST_P(Reliability, KilledBackendCrashRestartsPostgresAndTheServiceRecoversWithoutLosingAcknowledgedWrites) {
  PrivateCluster cluster;
  const auto coffee_id = insert_coffee_into(cluster);
  const auto config = config_for(cluster, GetParam());
  RunningService service(config);
  const auto prefix = "crash-" + unique_word(8);
  Load load(service.port(), prefix, coffee_id, 4);

  std::this_thread::sleep_for(1s);
  // A session that nothing kills: only a crash restart ends it, whatever the service holds open
  // (sync mode may hold a single connection, and the killed backend is gone either way).
  [[maybe_unused]] const auto witness =
      connect_or_throw(with_application_name(cluster.database_url(), "crash_witness"));
  const auto sessions_sql = "SELECT pid || ' ' || backend_start FROM pg_stat_activity "
                            "WHERE application_name IN ('coffeehouse', 'crash_witness')";
  const auto survivors = [&](const std::vector<std::string>& before) {
    const auto after = cluster.column(sessions_sql);
    return std::count_if(before.begin(), before.end(),
                         [&](const auto& session) { return std::count(after.begin(), after.end(), session) > 0; });
  };
  // A backend that is already exiting absorbs SIGKILL without a crash; then kill another one. A
  // crash restart shows as no session from before the kill surviving.
  bool crashed = false;
  Clock::time_point back;
  for (int attempt = 0; attempt < 5 && !crashed; ++attempt) {
    const auto sessions_before = cluster.column(sessions_sql);
    ASSERT_GT(sessions_before.size(), 1u) << "the service should hold a connection beside the witness";
    cluster.kill_a_service_backend();
    // The postmaster notices the dead child, ends every session and reinitialises.
    std::this_thread::sleep_for(200ms);
    back = wait_until_postgres_answers(cluster);
    crashed = survivors(sessions_before) == 0;
  }
  ASSERT_TRUE(crashed) << "five SIGKILLs to service backends and PostgreSQL never reset its sessions";
  std::this_thread::sleep_for(recovery_bound + 2s);
  const auto exchanges = load.stop();

  expect_fail_fast_then_recovery(exchanges, back, Outage::may_go_unseen);
  expect_acknowledged_writes_stored(cluster, prefix, coffee_id, exchanges, config.pool_size, Outage::may_go_unseen);
}

TEST_P(Reliability, BackendTerminatedMidQueryIs503AndTheNextRequestSucceeds) {
  PrivateCluster cluster;
  auto config = config_for(cluster, GetParam());
  config.bench_routes = true;
  RunningService service(config);

  auto sleeping = std::async(std::launch::async, [&service] { return service.client().get("/bench/sleep?ms=9000"); });
  const auto sleep_is_running = [&cluster] { return cluster.service_backends_waiting_on("PgSleep") > 0; };
  const auto deadline = Clock::now() + 6s;
  while (!sleep_is_running() && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(sleep_is_running()) << "the slow query did not start within 6 s";

  const auto terminated = Clock::now();
  EXPECT_TRUE(cluster.terminate_backend_waiting_on("PgSleep"));
  const auto interrupted = sleeping.get();
  EXPECT_LT(Clock::now() - terminated, 2s) << "the request waited for a query that was no longer running";
  EXPECT_EQ(interrupted.status(), 503) << interrupted.body();
  EXPECT_EQ(interrupted.error_code(), "database_unavailable");
  EXPECT_FALSE(interrupted.header("Retry-After").empty());

  auto http = service.client();
  EXPECT_EQ(http.get("/bench/sleep?ms=1").status(), 200);
  EXPECT_EQ(http.get("/readyz").status(), 200);
}

TEST_P(Reliability, StartsWhilePostgresIsDownAndBecomesReadyAsSoonAsItAppears) {
  PrivateCluster cluster;
  const auto coffee_id = std::to_string(insert_coffee_into(cluster));
  cluster.stop();
  RunningService service(config_for(cluster, GetParam()));
  auto http = service.client();

  EXPECT_EQ(http.get("/healthz").status(), 200);
  for (int i = 0; i < 10; ++i) {
    const auto started = Clock::now();
    const auto ready = http.get("/readyz");
    EXPECT_EQ(ready.status(), 503);
    EXPECT_EQ(ready.error_code(), "not_ready");
    EXPECT_NE(ready.body().find("unavailable"), std::string::npos) << ready.body();
    const auto coffee = http.get("/coffee/" + coffee_id);
    EXPECT_EQ(coffee.status(), 503);
    EXPECT_EQ(coffee.error_code(), "database_unavailable");
    EXPECT_FALSE(coffee.header("Retry-After").empty());
    EXPECT_LT(Clock::now() - started, 1s) << "an unreachable database must fail fast";
    std::this_thread::sleep_for(150ms);
  }

  cluster.start();
  const auto back = Clock::now();
  while (http.get("/readyz").status() != 200 && Clock::now() - back < 10s) std::this_thread::sleep_for(20ms);
  const auto ready_after = Clock::now() - back;
  EXPECT_LT(ready_after, recovery_bound) << "ready " << seconds(ready_after) << " s after PostgreSQL was back";
  EXPECT_EQ(http.get("/coffee/" + coffee_id).status(), 200);
}

// With --seed auto (the default), an empty database is seeded once it can be reached.
TEST_P(Reliability, SeedingStartsWhilePostgresIsDownAndFinishesSoonAfterItAppears) {
  PrivateCluster cluster;
  cluster.stop();
  auto config = config_for(cluster, GetParam());
  config.seed = app::SeedMode::automatic;
  config.seed_source.source = seed::SeedSource::offline;
  RunningService service(config);
  auto http = service.client();

  // Long enough for the seeding's retry delay to grow to its maximum.
  const auto down_until = Clock::now() + 4s;
  while (Clock::now() < down_until) {
    const auto started = Clock::now();
    const auto ready = http.get("/readyz");
    EXPECT_EQ(ready.status(), 503);
    EXPECT_NE(ready.body().find("unavailable"), std::string::npos) << ready.body();
    EXPECT_EQ(http.get("/coffee/notes").status(), 503) << "requests must not wait for seeding while PostgreSQL is down";
    EXPECT_LT(Clock::now() - started, 1s);
    std::this_thread::sleep_for(200ms);
  }

  cluster.start();
  const auto back = Clock::now();
  while (http.get("/readyz").status() != 200 && Clock::now() - back < 10s) std::this_thread::sleep_for(20ms);
  const auto ready_after = Clock::now() - back;
  EXPECT_LT(ready_after, recovery_bound) << "ready " << seconds(ready_after) << " s after PostgreSQL was back";
  EXPECT_NE(cluster.scalar("SELECT count(*) FROM coffee"), "0");
}

// A connection whose open() fails after `delay`, as a connect to a database that is starting up
// or recovering does.
class FailingConnection : public db::Connection {
 public:
  FailingConnection(boost::asio::any_io_executor executor, std::chrono::milliseconds delay)
      : db::Connection(db::ConnectionOptions{}), executor_(std::move(executor)), delay_(delay) {}
  bool broken() const noexcept override { return true; }

 protected:
  boost::asio::awaitable<db::Result<void>> connect() override {
    boost::asio::steady_timer timer(executor_, delay_);
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return db::DbError(db::ErrorKind::unavailable, "FATAL:  the database system is in recovery mode");
  }
  boost::asio::awaitable<db::Result<db::Rows>> exchange(std::span<const db::Step>) override {
    co_return db::DbError(db::ErrorKind::unavailable, "not open");
  }
  void close() noexcept override {}
  PGconn* native_handle() const noexcept override { return nullptr; }

 private:
  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds delay_;
};

TEST(PoolOutage, RequestsQueuedBehindAFailedConnectFailFastInsteadOfWaitingOutTheAcquireTimeout) {
  boost::asio::io_context io{1};
  auto pool = db::Pool::create(io.get_executor(), db::PoolOptions{.max_connections = 1, .acquire_timeout = 5s},
                               [&io] { return std::make_unique<FailingConnection>(io.get_executor(), 100ms); });
  std::vector<std::pair<std::optional<db::ErrorKind>, Clock::duration>> outcomes;
  const auto started = Clock::now();
  for (int i = 0; i < 3; ++i) {  // the first connects, the others queue behind it
    boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
      const auto outcome = co_await pool->execute(db::ping, {});
      outcomes.emplace_back(error_kind(outcome), Clock::now() - started);
    }, boost::asio::detached);
  }
  io.run_for(10s);
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& [kind, took] : outcomes) {
    EXPECT_EQ(kind, db::ErrorKind::unavailable);
    EXPECT_LT(took, 1s);
  }
}

TEST(PoolExhaustion, AsyncWaitersGetAConnectionWithinTheAcquireTimeoutOr503AndTheQueueIsBounded) {
  auto config = test_config(db::DbMode::async);
  // Each request holds its connection: with pipelining, requests would queue behind the holder's
  // query on the connection instead (tests/pipeline_test.cpp covers the pool's waiters there).
  config.db_pipeline = false;
  config.threads = 1;
  config.pool_size = 1;
  config.max_waiters = 2;
  config.acquire_timeout = 500ms;
  config.bench_routes = true;
  RunningService service(config);
  auto observer = service.client();

  // A waiter is handed the connection as soon as the holder is done.
  auto holder = get_in_background(service.port(), "/bench/sleep?ms=200");
  ASSERT_TRUE(wait_for_gauge(observer, in_use, 1));
  auto waiter = get_in_background(service.port(), "/bench/sleep?ms=1");
  EXPECT_EQ(holder.get().status, 200u);
  const auto served = waiter.get();
  EXPECT_EQ(served.status, 200u);
  EXPECT_LT(served.took, 500ms);

  // Holding the only connection for longer than the acquire timeout: two requests queue and
  // get 503 database_busy when the timeout ends; the queue is full for the other three, refused
  // at once as overloaded (the database is fine: it is the service that is at capacity).
  holder = get_in_background(service.port(), "/bench/sleep?ms=2000");
  ASSERT_TRUE(wait_for_gauge(observer, in_use, 1));
  std::vector<std::future<TimedAnswer>> crowd;
  for (int i = 0; i < 5; ++i) crowd.push_back(get_in_background(service.port(), "/bench/sleep?ms=1"));
  std::size_t most_waiters = 0;
  for (int i = 0; i < 20; ++i) {
    most_waiters = std::max(most_waiters, gauge(observer, waiters));
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(most_waiters, 2u);
  std::size_t refused_at_once = 0;
  std::size_t timed_out = 0;
  for (auto& request : crowd) {
    const auto answer = request.get();
    EXPECT_EQ(answer.status, 503u);
    EXPECT_TRUE(answer.retry_after);
    EXPECT_LT(answer.took, 1500ms);
    if (answer.took < 400ms) {
      ++refused_at_once;
      EXPECT_EQ(answer.code, "overloaded");
    }
    if (answer.took >= 450ms) {
      ++timed_out;
      EXPECT_EQ(answer.code, "database_busy");
    }
  }
  EXPECT_EQ(refused_at_once, 3u);
  EXPECT_EQ(timed_out, 2u);
  EXPECT_EQ(gauge(observer, R"(db_pool_refusals_total{reason="overloaded"})"), 3u);
  EXPECT_EQ(gauge(observer, R"(db_pool_refusals_total{reason="acquire_timeout"})"), 2u);
  EXPECT_EQ(gauge(observer, R"(db_pool_refusals_total{reason="unavailable"})"), 0u);
  EXPECT_EQ(holder.get().status, 200u);
  EXPECT_EQ(gauge(observer, waiters), 0u);
  EXPECT_EQ(observer.get("/bench/sleep?ms=1").status(), 200);
}

// In sync mode a query holds its io thread, so no second request on that thread can even ask
// for a connection: the pool never has waiters, and a request waits for the thread instead
// (bounded by the running statement, i.e. by --statement-timeout-ms), then succeeds.
TEST(PoolExhaustion, SyncRequestsWaitForTheBusyThreadNotForTheAcquireTimeout) {
  auto config = test_config(db::DbMode::sync);
  config.threads = 1;
  config.pool_size = 1;
  config.max_waiters = 2;
  config.acquire_timeout = 200ms;
  config.bench_routes = true;
  RunningService service(config);

  auto holder = get_in_background(service.port(), "/bench/sleep?ms=600");
  std::this_thread::sleep_for(100ms);
  std::vector<std::future<TimedAnswer>> crowd;
  for (int i = 0; i < 5; ++i) crowd.push_back(get_in_background(service.port(), "/bench/sleep?ms=1"));
  EXPECT_EQ(holder.get().status, 200u);
  for (auto& request : crowd) {
    const auto answer = request.get();
    EXPECT_EQ(answer.status, 200u);
    EXPECT_LT(answer.took, 2s);
  }
  auto http = service.client();
  EXPECT_EQ(gauge(http, waiters), 0u);
  EXPECT_EQ(gauge(http, in_use), 0u);
}

TEST_P(Reliability, ClientsThatLeaveMidRequestLeaveNoConnectionBehind) {
  auto config = config_for(GetParam());
  config.pool_size = 2;
  config.bench_routes = true;
  RunningService service(config);

  // More clients than connections: some leave while their query runs, some while they wait.
  constexpr std::size_t leaving_clients = 6;
  {
    std::vector<std::unique_ptr<HttpClient>> leaving;
    for (std::size_t i = 0; i < leaving_clients; ++i) {
      leaving.push_back(std::make_unique<HttpClient>(service.port()));
      leaving.back()->write_raw("GET /bench/sleep?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    std::this_thread::sleep_for(100ms);
  }  // the sockets close here, before any answer

  // Every abandoned request still runs to its end (a client leaving does not cancel a query),
  // and then every connection is back in the pool.
  auto http = service.client();
  EXPECT_TRUE(wait_for_gauge(http, R"(http_requests_total{route="/bench/sleep",method="GET",status="200"})",
                             leaving_clients));
  EXPECT_EQ(gauge(http, in_use), 0u);
  EXPECT_EQ(gauge(http, waiters), 0u);

  // Both connections serve again, at the same time.
  auto first = get_in_background(service.port(), "/bench/sleep?ms=200");
  auto second = get_in_background(service.port(), "/bench/sleep?ms=200");
  EXPECT_EQ(first.get().status, 200u);
  EXPECT_EQ(second.get().status, 200u);
  EXPECT_EQ(http.get("/healthz").status(), 200);
}

INSTANTIATE_TEST_SUITE_P(EachDriver, Reliability, ::testing::Values(async_driver, sync_driver, pipelined_driver),
                         driver_name);

// ---- Bad input: every malformed, ambiguous or unstorable input gets a defined 4xx, never a 500.

namespace json = boost::json;

struct Refusal {
  unsigned status = 0;  // 0: accepted
  std::string code;
};

Refusal new_user_refusal(std::string body) {
  net::Request request{http::verb::post, "/users", 11};
  request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  const auto parsed = handlers::parse_new_user(request);
  if (!handlers::is_response(parsed)) return {};
  const auto& response = std::get<net::Response>(parsed);
  return {response.result_int(), std::string(json::parse(response.body()).at("error").at("code").as_string())};
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(BadInput, DuplicateKeysAre400WhereverTheyAre) {
  for (const std::string body : {R"({"name":"A","name":"B"})", R"({"name":"A","n\u0061me":"B"})",
                                 R"({"name":"A","address":{"city":"X","city":"Y"}})",
                                 R"({"name":"A","address":{"a":[{"k":1,"k":2}]}})",
                                 R"({"name":"A","coffee_id":null,"coffee_id":1})"}) {
    const auto refusal = new_user_refusal(body);
    EXPECT_EQ(refusal.status, 400u) << body;
    EXPECT_EQ(refusal.code, "duplicate_key") << body;
  }
  // The same key in different objects is no duplicate.
  EXPECT_EQ(new_user_refusal(R"({"name":"A","address":{"name":"A","inner":{"name":"B"}}})").status, 0u);
}

TEST(BadInput, NumbersBeyondIntegerOrDoubleRangeAreRefusedNotRounded) {
  for (const std::string coffee_id : {"1e400", "-1e400", "99999999999999999999", "18446744073709551616", "1e2", "1.0"}) {
    const auto refusal = new_user_refusal(R"({"name":"A","coffee_id":)" + coffee_id + "}");
    EXPECT_EQ(refusal.status, 400u) << coffee_id;
    EXPECT_EQ(refusal.code, "invalid_type") << coffee_id;
  }
  EXPECT_EQ(new_user_refusal(R"({"name":"A","coffee_id":9223372036854775807})").status, 422u);
  EXPECT_EQ(new_user_refusal(R"({"name":"A","coffee_id":-9223372036854775808})").status, 422u);
  // A double that overflows becomes infinity, which JSON (and so jsonb) cannot hold.
  const auto infinite = new_user_refusal(R"({"name":"A","address":{"zip":1e400}})");
  EXPECT_EQ(infinite.status, 422u);
  EXPECT_EQ(infinite.code, "validation_failed");
  EXPECT_EQ(new_user_refusal(R"({"name":"A","address":{"lat":1.7976931348623157e308,"tiny":1e-400}})").status, 0u);
}

TEST(BadInput, NestingIsLimitedTo32LevelsWithTheBodyAsTheFirst) {
  EXPECT_EQ(new_user_refusal(R"({"name":"A","address":{"a":)" + nested_arrays(30) + "}}").status, 0u);
  const auto too_deep = new_user_refusal(R"({"name":"A","address":{"a":)" + nested_arrays(31) + "}}");
  EXPECT_EQ(too_deep.status, 400u);
  EXPECT_EQ(too_deep.code, "malformed_json");
}

TEST(BadInput, InvalidUtf8AnywhereIs400) {
  for (const std::string body : {"{\"name\":\"\xc0\x80\"}",           // overlong NUL
                                 "{\"name\":\"\xed\xa0\x80\"}",       // UTF-8-encoded surrogate
                                 "{\"name\":\"\xe2\x82\"}",           // truncated sequence
                                 "{\"name\":\"\xf4\x90\x80\x80\"}",   // beyond U+10FFFF
                                 "{\"na\xffme\":\"A\"}",                // in a key
                                 "{\"name\":\"A\",\"address\":{\"c\":\"\xff\"}}",  // nested
                                 R"({"name":"\ud800"})",                 // lone surrogate escape
                                 R"({"name":"\udc00x"})"}) {
    const auto refusal = new_user_refusal(body);
    EXPECT_EQ(refusal.status, 400u) << body;
    EXPECT_EQ(refusal.code, "malformed_json") << body;
  }
  EXPECT_EQ(new_user_refusal(R"({"name":"\ud83d\ude42"})").status, 0u);  // a valid surrogate pair
}

TEST(BadInput, WrongTypesAre400) {
  for (const std::string body : {R"({"name":{"first":"A"}})", R"({"name":true})", R"({"name":"A","surname":["B"]})",
                                 R"({"name":"A","has_sale":1})", R"({"name":"A","has_sale":"true"})",
                                 R"({"name":"A","address":["Berlin"]})", R"({"name":"A","address":7})",
                                 R"({"name":"A","coffee_id":[1]})", R"({"name":"A","coffee_id":{"id":1}})", "null",
                                 "7", R"("name")"}) {
    const auto refusal = new_user_refusal(body);
    EXPECT_EQ(refusal.status, 400u) << body;
    EXPECT_EQ(refusal.code, "invalid_type") << body;
  }
}

class BadInputApi : public ApiTest {};

// PostgreSQL's jsonb refuses what JSON text may carry but text columns cannot: \u0000, and the
// infinity an overflowing number turns into. Such an address is the client's mistake (422), not
// a database failure (500), and nothing is stored.
TEST_P(BadInputApi, AddressesPostgresCannotStoreAre422AndStoreNothing) {
  const auto marker = unique_word();
  auto http = client();
  for (const std::string address : {R"({"c":"a\u0000b"})", R"({"a\u0000b":"c"})", R"({"c":[{"d":"\u0000"}]})",
                                    R"({"zip":1e400})", R"({"zip":-1e999})"}) {
    const auto result = http.post_json("/users", R"({"name":")" + marker + R"(","address":)" + address + "}");
    EXPECT_EQ(result.status(), 422) << address << " -> " << result.body();
    EXPECT_EQ(result.error_code(), "validation_failed") << address;
  }
  EXPECT_EQ(query_scalar("SELECT count(*) FROM users WHERE name = $1", {marker}), "0");
}

// libpq passes text parameters as C strings: a NUL would silently cut the value short.
TEST_P(BadInputApi, QueryParametersWithNulAre400NotTruncated) {
  auto http = client();
  for (const std::string target : {"/users?country=Fr%00ance", "/coffee/search?title=latte%00", "/users?country=%00"}) {
    const auto result = http.get(target);
    EXPECT_EQ(result.status(), 400) << target << " -> " << result.body();
    EXPECT_EQ(result.error_code(), "invalid_parameter") << target;
  }
}

TEST_P(BadInputApi, InjectionPayloadsInEveryParameterAreStoredOrSearchedVerbatim) {
  const auto word = unique_word();
  const std::vector<std::string> payloads{
      "'; DROP TABLE users; --",      "\" OR \"1\"=\"1",          "1' OR '1'='1' /*",
      "$1); DELETE FROM coffee; --", "\\'; SELECT pg_sleep(5); --", "%' OR name LIKE '%",
      "') UNION SELECT * FROM users --"};
  auto http = client();
  for (const auto& payload : payloads) {
    const auto text = payload + " " + word;
    const json::object address{{"country", text}, {text, text}};
    const auto created = http.post_json("/users", json::serialize(json::object{{"name", "Inj " + word},
                                                                              {"surname", text.substr(0, 50)},
                                                                              {"patronomic", text.substr(0, 50)},
                                                                              {"address", address}}));
    ASSERT_EQ(created.status(), 201) << payload << " -> " << created.body();
    const auto id = created.json().at("id").as_int64();
    const auto fetched = http.get("/users/" + std::to_string(id)).json();
    EXPECT_EQ(fetched.at("surname"), text.substr(0, 50).c_str());
    EXPECT_EQ(fetched.at("patronomic"), text.substr(0, 50).c_str());
    EXPECT_EQ(fetched.at("address"), address);

    // Searched as data: the payload country matches exactly the one user that has it.
    const auto listed = http.get("/users?country=" + boost::urls::encode(text, boost::urls::unreserved_chars)).json();
    ASSERT_EQ(listed.at("users").as_array().size(), 1u) << payload;
    EXPECT_EQ(listed.at("users").at(0).at("id").as_int64(), id);
    EXPECT_EQ(http.get("/coffee/search?title=" + boost::urls::encode(text, boost::urls::unreserved_chars)).status(), 200);
    for (const auto* parameter : {"limit", "after_id"}) {
      const auto refused = http.get("/users?country=x&" + std::string(parameter) + "=" +
                                    boost::urls::encode("1 " + payload, boost::urls::unreserved_chars));
      EXPECT_EQ(refused.status(), 400) << parameter << "=" << payload;
    }
    EXPECT_EQ(http.get("/users/" + boost::urls::encode("1 " + payload, boost::urls::unreserved_chars)).status(), 400);
    EXPECT_EQ(http.get("/coffee/" + boost::urls::encode("1 " + payload, boost::urls::unreserved_chars)).status(), 400);
  }
  EXPECT_EQ(query_scalar("SELECT count(*) FROM users WHERE name = $1", {"Inj " + word}),
            std::to_string(payloads.size()));
  EXPECT_EQ(query_scalar("SELECT to_regclass('users')::text || to_regclass('coffee')::text"), "userscoffee");
}

COFFEEHOUSE_EVERY_SETUP(BadInputApi);

// Found by tests/fuzz/router_fuzzer: a path id with a percent-encoded byte that is not UTF-8 was
// echoed decoded into the error message, and the body was no longer valid JSON.
TEST(FuzzFindings, InvalidPathIdIsEchoedSoThatTheBodyStaysValidJson) {
  RunningService service(db::DbMode::async);
  auto http = service.client();
  for (const std::string target : {"/coffee/seale=d2r%a2k+roast%22+-bitter", "/users/%FF%FE", "/users/%C0%80"}) {
    const auto result = http.get(target);
    EXPECT_EQ(result.status(), 400) << target;
    boost::system::error_code ec;
    const auto body = json::parse(result.body(), ec);  // Boost.JSON refuses invalid UTF-8
    ASSERT_FALSE(ec) << target << " -> " << result.body();
    EXPECT_EQ(body.at("error").at("code"), "invalid_id");
  }
  EXPECT_NE(http.get("/users/%A2x").body().find("%A2x"), std::string::npos);
}

// ---- HTTP framing limits that the existing tests do not reach.

class HttpLimits : public ::testing::Test {
 protected:
  RunningService service_{test_config(db::DbMode::async)};
};

TEST_F(HttpLimits, ChunkedBodyBeyondTheLimitIs413) {
  auto http = service_.client();
  http.write_raw("POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk(64 * 1024, 'a');
  std::ostringstream size;
  size << std::hex << chunk.size();
  try {
    for (int i = 0; i < 20; ++i) http.write_raw(size.str() + "\r\n" + chunk + "\r\n");  // 1.25 MiB
  } catch (const boost::system::system_error&) {
    // The server may answer and close before everything is sent.
  }
  const auto result = http.read_response();
  EXPECT_EQ(result.status(), 413);
  EXPECT_EQ(result.error_code(), "body_too_large");
}

TEST_F(HttpLimits, TargetLongerThanTheHeaderLimitIs431) {
  auto http = service_.client();
  const auto result = http.get("/coffee/search?title=" + std::string(9000, 'a'));
  EXPECT_EQ(result.status(), 431);
  EXPECT_TRUE(http.closed_by_peer());
}

// Requests a proxy and this server could frame differently (request smuggling) are refused.
TEST_F(HttpLimits, AmbiguousBodyFramingIs400) {
  for (const std::string headers :
       {"Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: -1\r\n", "Content-Length: 5x\r\n", "Transfer-Encoding: gzip, chunked, identity\r\n"}) {
    auto http = service_.client();
    // What follows the headers must never be served as a request of its own.
    http.write_raw("POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + headers +
                   "\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto result = http.read_response();
    EXPECT_EQ(result.status(), 400) << headers;
    EXPECT_TRUE(http.closed_by_peer()) << headers;
  }
}

// The same limits, set lower by flags, bind where the flags say.
TEST(ConfiguredLimits, HeaderBodyAndJsonDepthLimitsFollowTheirFlags) {
  auto config = test_config(db::DbMode::async);
  config.max_header_bytes = 2048;
  config.max_body_bytes = 4096;
  config.max_json_depth = 4;
  RunningService service(config);

  auto http = service.client();
  EXPECT_EQ(http.get("/coffee/search?title=" + std::string(1500, 'a')).status(), 200);
  const auto long_target = service.client().get("/coffee/search?title=" + std::string(2100, 'a'));
  EXPECT_EQ(long_target.status(), 431);

  const std::string padding(4000, ' ');  // whitespace: valid JSON at any length
  EXPECT_EQ(service.client().post_json("/users", R"({"name":"Limits"})" + std::string(3000, ' ')).status(), 201);
  const auto large = service.client().post_json("/users", R"({"name":"Limits"})" + padding + padding);
  EXPECT_EQ(large.status(), 413);
  EXPECT_EQ(large.error_code(), "body_too_large");

  // {"name", "address": {"a": [[…]]}}: the body is level 1, address 2, then the arrays.
  EXPECT_EQ(service.client().post_json("/users", R"({"name":"Limits","address":{"a":)" + nested_arrays(2) + "}}").status(),
            201);
  const auto deep = service.client().post_json("/users", R"({"name":"Limits","address":{"a":)" + nested_arrays(3) + "}}");
  EXPECT_EQ(deep.status(), 400);
  EXPECT_EQ(deep.error_code(), "malformed_json");
}

}  // namespace
}  // namespace coffeehouse::testing
