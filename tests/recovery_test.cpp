// The service heals itself when PostgreSQL drops its connections.
#include "support/admin_sql.hpp"
#include "support/api_test.hpp"

namespace coffeehouse::testing {
namespace {

class Recovery : public ::testing::TestWithParam<db::DbMode> {};

TEST_P(Recovery, RequestsSucceedRightAfterBackendsAreTerminated) {
  const auto coffee_id = std::to_string(insert_coffee("Survivor " + unique_word()));
  const auto application_name = "recovery_" + unique_word();
  auto config = test_config(GetParam());
  config.database_url = with_application_name(config.database_url, application_name);
  RunningService service(config);
  // Warm connections on both io threads with several clients.
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < 8; ++i) clients.push_back(std::make_unique<HttpClient>(service.port()));
  for (auto& http : clients) ASSERT_EQ(http->get("/coffee/" + coffee_id).status(), 200);

  EXPECT_GT(terminate_backends_of(application_name), 0);

  // Stale connections are noticed when taken from the pool, not by failing a request.
  for (auto& http : clients) EXPECT_EQ(http->get("/coffee/" + coffee_id).status(), 200);
}

INSTANTIATE_TEST_SUITE_P(BothModes, Recovery, ::testing::Values(db::DbMode::async, db::DbMode::sync), mode_name);

class BenchRoutes : public ::testing::Test {};

TEST_F(BenchRoutes, SleepRouteExistsOnlyWhenEnabledAndTakesAsLongAsAsked) {
  RunningService plain(db::DbMode::async);
  EXPECT_EQ(plain.client().get("/bench/sleep?ms=1").status(), 404);

  auto config = test_config(db::DbMode::async);
  config.bench_routes = true;
  RunningService bench(config);
  auto http = bench.client();
  const auto started = std::chrono::steady_clock::now();
  const auto slept = http.get("/bench/sleep?ms=120");
  EXPECT_EQ(slept.status(), 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(120));
  EXPECT_EQ(http.get("/bench/sleep?ms=-1").status(), 400);
  EXPECT_EQ(http.get("/bench/sleep?ms=100000").status(), 400);
}

}  // namespace
}  // namespace coffeehouse::testing
