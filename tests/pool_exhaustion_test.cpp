// The pool at capacity, against the real database: waiters get a connection within the acquire
// timeout or a 503, the queue is bounded, and clients that leave give their connections back.
#include "support/service_fixture.hpp"
#include "support/service_probes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <memory>
#include <thread>
#include <vector>

namespace coffeehouse::testing {
namespace {

using namespace std::chrono_literals;

// One io thread, one connection, room for two waiters.
app::ServeConfig one_connection(db::DbMode mode, std::chrono::milliseconds acquire_timeout) {
  auto config = on_one_thread_with_bench_routes(test_config(mode));
  config.pool_size = 1;
  config.max_waiters = 2;
  config.acquire_timeout = acquire_timeout;
  return config;
}

TEST(PoolExhaustion, AsyncWaitersGetAConnectionWithinTheAcquireTimeoutOr503AndTheQueueIsBounded) {
  auto config = one_connection(db::DbMode::async, 500ms);
  // Each request holds its connection: with pipelining, requests would queue behind the holder's
  // query on the connection instead (tests/pipeline_test.cpp covers the pool's waiters there).
  config.db_pipeline = false;
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
  RunningService service(one_connection(db::DbMode::sync, 200ms));

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

// Async, sync, and async with --db-pipeline on (whose connections carry several requests' queries).
struct Driver {
  db::DbMode mode;
  bool pipeline;
  const char* name;
};

class AbandonedRequests : public ::testing::TestWithParam<Driver> {};

std::string driver_name(const ::testing::TestParamInfo<Driver>& param_info) { return param_info.param.name; }
void PrintTo(const Driver& driver, std::ostream* out) { *out << driver.name; }  // for gtest's messages

TEST_P(AbandonedRequests, ClientsThatLeaveMidRequestLeaveNoConnectionBehind) {
  auto config = test_config(GetParam().mode);
  config.db_pipeline = GetParam().pipeline;
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
  EXPECT_TRUE(
      wait_for_gauge(http, R"(http_requests_total{route="/bench/sleep",method="GET",status="200"})", leaving_clients));
  EXPECT_EQ(gauge(http, in_use), 0u);
  EXPECT_EQ(gauge(http, waiters), 0u);

  // Both connections serve again, at the same time.
  auto first = get_in_background(service.port(), "/bench/sleep?ms=200");
  auto second = get_in_background(service.port(), "/bench/sleep?ms=200");
  EXPECT_EQ(first.get().status, 200u);
  EXPECT_EQ(second.get().status, 200u);
  EXPECT_EQ(http.get("/healthz").status(), 200);
}

INSTANTIATE_TEST_SUITE_P(EachDriver, AbandonedRequests,
                         ::testing::Values(Driver{db::DbMode::async, false, "Async"},
                                           Driver{db::DbMode::sync, false, "Sync"},
                                           Driver{db::DbMode::async, true, "Pipelined"}),
                         driver_name);

}  // namespace
}  // namespace coffeehouse::testing
