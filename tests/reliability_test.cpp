// What the service does when PostgreSQL stops, restarts or crashes, or a backend is terminated
// under a query. Each test takes PostgreSQL away from a PrivateCluster of its own, so that the
// suite's shared cluster never goes down under tests running in parallel. (The pool at capacity
// and clients that leave early: tests/pool_exhaustion_test.cpp; a pool that cannot connect:
// tests/pool_outage_test.cpp.)
#include "support/admin_sql.hpp"
#include "support/reliability_cluster.hpp"
#include "support/reliability_load.hpp"
#include "support/service_fixture.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <optional>
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
      EXPECT_TRUE(exchange.succeeded()) << "sent " << seconds(exchange.sent - back)
                                        << " s after PostgreSQL was back: " << exchange.status << " "
                                        << exchange.detail;
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
            << seconds(recovery) << " s after PostgreSQL was back; slowest answer " << seconds(slowest->took())
            << " s\n";
  return recovery;
}

// The database holds every user whose POST was answered 201, each once and whole. A POST whose
// connection died while its INSERT ran has an unknown outcome (PostgreSQL may have committed just
// before the connection went) and was answered 503: such writes may be stored too, but at most
// one per statement in flight when the connections died, i.e. per pool connection.
void expect_acknowledged_writes_stored(const PrivateCluster& cluster, const std::string& prefix, std::int64_t coffee_id,
                                       const std::vector<Exchange>& exchanges, std::size_t in_flight_at_most,
                                       Outage outage = Outage::must_show) {
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
  const auto sessions_sql =
      "SELECT pid || ' ' || backend_start FROM pg_stat_activity "
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

INSTANTIATE_TEST_SUITE_P(EachDriver, Reliability, ::testing::Values(async_driver, sync_driver, pipelined_driver),
                         driver_name);

}  // namespace
}  // namespace coffeehouse::testing
