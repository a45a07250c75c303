// Graceful stop (SIGTERM's path, Service::request_stop): requests in flight finish, idle
// keep-alive connections close at once, and a request that outlives --shutdown-grace-ms is cut
// off without holding the stop. Both database modes.
#include "support/api_test.hpp"
#include "support/service_probes.hpp"

#include <future>
#include <thread>

namespace coffeehouse::testing {
namespace {

// The service's sessions get a name of their own, so that the test can see its sleeping query.
app::ServeConfig sleeping_config(db::DbMode mode, const std::string& application_name) {
  auto config = test_config(mode);
  config.bench_routes = true;  // GET /bench/sleep: a request that takes as long as asked
  config.database_url = with_application_name(config.database_url, application_name);
  return config;
}

// Waits until a backend of `application_name` sleeps in pg_sleep: the request is in flight. (Asked
// of PostgreSQL, not of /metrics: in sync mode the sleeping thread could not answer.)
bool wait_until_sleeping(const std::string& application_name) {
  for (int attempt = 0; attempt < 250; ++attempt) {
    if (query_scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event = 'PgSleep'",
                     {application_name}) != "0") {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

class Shutdown : public ::testing::TestWithParam<db::DbMode> {};

// Stops `service` on another thread (as a signal handler would), and says how long it took.
std::future<Clock::duration> stop_in_background(RunningService& service) {
  return std::async(std::launch::async, [&service] {
    const auto started = Clock::now();
    service.stop();
    return Clock::now() - started;
  });
}

TEST_P(Shutdown, RequestsInFlightFinishAndIdleConnectionsCloseAtOnce) {
  const auto name = "shutdown_" + unique_word();
  RunningService service(sleeping_config(GetParam(), name));
  HttpClient idle(service.port());
  ASSERT_EQ(idle.get("/healthz").status(), 200);  // a keep-alive connection, idle from now on
  auto slow = get_in_background(service.port(), "/bench/sleep?ms=700");
  ASSERT_TRUE(wait_until_sleeping(name));

  auto stopped = stop_in_background(service);
  EXPECT_TRUE(idle.closed_by_peer()) << "the idle connection stayed open during the shutdown";
  const auto answer = slow.get();
  EXPECT_EQ(answer.status, 200u) << "the request in flight did not finish: " << answer.code;
  const auto took = stopped.get();
  EXPECT_LT(took, std::chrono::seconds(5));
}

// Async mode: what the request waits for (the database's answer) is cancelled when the grace ends.
TEST(ShutdownAsync, ARequestThatOutlivesTheGraceIsCutOffAndTheStopReturns) {
  const auto name = "shutdown_" + unique_word();
  auto config = sleeping_config(db::DbMode::async, name);
  config.shutdown_grace = std::chrono::milliseconds(300);
  RunningService service(config);
  // Answered 503 or cut off when the grace ends; either way the client is not left waiting.
  auto slow = std::async(std::launch::async, [port = service.port()]() -> unsigned {
    try {
      HttpClient http(port);
      return http.get("/bench/sleep?ms=4000").status();
    } catch (const boost::system::system_error&) {
      return 0;  // the connection was closed without an answer
    }
  });
  ASSERT_TRUE(wait_until_sleeping(name));

  const auto started = Clock::now();
  auto stopped = stop_in_background(service);
  const auto took = stopped.get();
  EXPECT_LT(took, std::chrono::seconds(3)) << "the stop waited for the slow request";
  const auto status = slow.get();
  EXPECT_NE(status, 200u);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(3)) << "the client waited past the grace";
}

// Sync mode: a statement blocks its io thread inside libpq, where no cancellation reaches; the
// thread drains once it returns (at most --statement-timeout-ms later), and so the request is
// answered.
TEST(ShutdownSync, AStatementRunningPastTheGraceHoldsItsThreadUntilItEnds) {
  const auto name = "shutdown_" + unique_word();
  auto config = sleeping_config(db::DbMode::sync, name);
  config.shutdown_grace = std::chrono::milliseconds(200);
  RunningService service(config);
  auto slow = get_in_background(service.port(), "/bench/sleep?ms=1500");
  ASSERT_TRUE(wait_until_sleeping(name));
  auto stopped = stop_in_background(service);
  EXPECT_EQ(slow.get().status, 200u);
  EXPECT_LT(stopped.get(), std::chrono::seconds(5));
}

INSTANTIATE_TEST_SUITE_P(BothModes, Shutdown, ::testing::Values(db::DbMode::async, db::DbMode::sync), mode_name);

}  // namespace
}  // namespace coffeehouse::testing
