// Overload (issue #19): past --max-in-progress requests per io thread, requests wait in line,
// first come first served, for at most --queue-timeout-ms; only then are they refused, with
// 503 overloaded. A running service against the test database; GET /bench/sleep holds a place.
#include "support/service_fixture.hpp"
#include "support/service_probes.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <utility>
#include <vector>

namespace coffeehouse::testing {
namespace {

using namespace std::chrono_literals;

const std::string in_progress = "http_requests_in_progress";
const std::string queued = "http_requests_queued";
const std::string shed = "http_requests_shed_total";

class Overload : public ::testing::TestWithParam<ServiceSetup> {
 protected:
  // One io thread with one place: every request beyond the one in progress waits in line.
  static app::ServeConfig one_place(const ServiceSetup& setup, std::chrono::milliseconds queue_timeout) {
    auto config = on_one_thread_with_bench_routes(test_config(setup));
    config.pool_size = 2;
    config.max_in_progress = 1;
    config.queue_timeout = queue_timeout;
    return config;
  }

  // Starts GET /bench/sleep?ms=`ms` and returns once it holds the one place.
  static std::future<TimedAnswer> hold_the_place(const RunningService& service, HttpClient& observer, int ms) {
    auto holder = get_in_background(service.port(), "/bench/sleep?ms=" + std::to_string(ms));
    EXPECT_TRUE(wait_for_gauge(observer, in_progress, 1));
    return holder;
  }
};

TEST_P(Overload, RequestsBeyondThePlacesWaitInLineAndAreAllServed) {
  RunningService service(one_place(GetParam(), 3s));
  auto observer = service.client();
  auto holder = hold_the_place(service, observer, 300);
  std::vector<std::future<TimedAnswer>> line;
  for (int i = 0; i < 3; ++i) line.push_back(get_in_background(service.port(), "/bench/sleep?ms=1"));
  EXPECT_TRUE(wait_for_gauge(observer, queued, 3));
  EXPECT_EQ(holder.get().status, 200u);
  for (auto& request : line) EXPECT_EQ(request.get().status, 200u);
  EXPECT_EQ(gauge(observer, shed), 0u);
  EXPECT_TRUE(wait_for_gauge(observer, queued, 0));
  EXPECT_TRUE(wait_for_gauge(observer, in_progress, 0));
}

TEST_P(Overload, WaitingPastTheQueueTimeoutIs503OverloadedWithRetryAfterAndCounted) {
  RunningService service(one_place(GetParam(), 300ms));
  auto observer = service.client();
  auto holder = hold_the_place(service, observer, 1200);
  const auto refused = get_in_background(service.port(), "/coffee/notes").get();
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.code, "overloaded");
  EXPECT_TRUE(refused.retry_after);
  EXPECT_GE(refused.took, 300ms);
  EXPECT_LT(refused.took, 1000ms);
  EXPECT_EQ(gauge(observer, shed), 1u);
  // Counted under the route it was for, as every answer is.
  EXPECT_EQ(gauge(observer, R"(http_requests_total{route="/coffee/notes",method="GET",status="503"})"), 1u);
  // The database was never the problem: the pool refused nothing.
  EXPECT_EQ(gauge(observer, R"(db_pool_refusals_total{reason="overloaded"})"), 0u);
  EXPECT_EQ(holder.get().status, 200u);
  EXPECT_EQ(observer.get("/coffee/notes").status(), 200);
}

TEST_P(Overload, ProbesAndMetricsAnswerWhileEveryPlaceIsTaken) {
  RunningService service(one_place(GetParam(), 3s));
  auto observer = service.client();
  auto holder = hold_the_place(service, observer, 1500);
  auto waiting = get_in_background(service.port(), "/bench/sleep?ms=1");
  ASSERT_TRUE(wait_for_gauge(observer, queued, 1));
  for (const char* target : {"/healthz", "/readyz", "/metrics"}) {
    const auto answer = get_in_background(service.port(), target).get();
    EXPECT_EQ(answer.status, 200u) << target;
    EXPECT_LT(answer.took, 500ms) << target;
  }
  EXPECT_EQ(holder.get().status, 200u);
  EXPECT_EQ(waiting.get().status, 200u);
}

// Arrivals after a request began to wait are served after it: a flood of new clients does not
// starve one already in line, and none of them is refused while the line moves.
// POST /users on a fresh connection in another thread: the status and the new user's id. Ids
// come from a sequence as each insert runs, so with one place they give the order in which the
// service served the requests (the clients' own clocks cannot: two client threads woken together
// may read their answers in either order).
std::future<std::pair<unsigned, std::int64_t>> create_user_in_background(std::uint16_t port) {
  return std::async(std::launch::async, [port] {
    HttpClient http(port);
    const auto answer = http.post_json("/users", R"({"name":"In Line )" + unique_word() + R"("})");
    const std::int64_t id = answer.status() == 201 ? answer.json().at("id").as_int64() : -1;
    return std::pair{answer.status(), id};
  });
}

TEST_P(Overload, AFloodOfClientsDoesNotStarveARequestAlreadyWaiting) {
  RunningService service(one_place(GetParam(), 5s));
  auto observer = service.client();
  auto holder = hold_the_place(service, observer, 300);
  auto first_in_line = create_user_in_background(service.port());
  ASSERT_TRUE(wait_for_gauge(observer, queued, 1));
  std::vector<std::future<std::pair<unsigned, std::int64_t>>> flood;
  for (int i = 0; i < 40; ++i) flood.push_back(create_user_in_background(service.port()));
  EXPECT_EQ(holder.get().status, 200u);
  const auto [first_status, first_id] = first_in_line.get();
  EXPECT_EQ(first_status, 201u);
  for (auto& request : flood) {
    const auto [status, id] = request.get();
    EXPECT_EQ(status, 201u);
    EXPECT_GT(id, first_id) << "a request that came later was served before the one already waiting";
  }
  EXPECT_EQ(gauge(observer, shed), 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, Overload,
                         ::testing::Values(ServiceSetup{.mode = db::DbMode::async},
                                           ServiceSetup{.mode = db::DbMode::async, .pipeline = true}),
                         [](const auto& test_info) { return test_info.param.pipeline ? "Pipelined" : "Async"; });

}  // namespace
}  // namespace coffeehouse::testing
