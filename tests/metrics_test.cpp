// /metrics on a live service: the counters move with traffic. (The format itself, rendered
// without a service: tests/metrics_rendering_test.cpp.)
#include "support/api_test.hpp"
#include "support/prometheus_text.hpp"

namespace coffeehouse::testing {
namespace {

class Metrics : public ApiTest {};

TEST_P(Metrics, ExpositionIsValidAndCountersMoveWithTraffic) {
  auto http = client();
  const auto before = parse_exposition(http.get("/metrics").body());
  const std::string users_key = R"(http_requests_total{route="/users/{id}",method="GET",status="404"})";
  const double users_before = before.contains(users_key) ? before.at(users_key) : 0;

  for (int i = 0; i < 3; ++i) EXPECT_EQ(http.get("/users/2147483000").status(), 404);
  EXPECT_EQ(http.get("/no/such/route").status(), 404);

  const auto scraped = http.get("/metrics");
  EXPECT_EQ(scraped.status(), 200);
  EXPECT_NE(scraped.header("Content-Type").find("text/plain"), std::string::npos);
  const auto after = parse_exposition(scraped.body());
  EXPECT_EQ(after.at(users_key), users_before + 3);
  // The raw path never becomes a label: unknown paths share one series.
  EXPECT_TRUE(after.contains(R"(http_requests_total{route="unmatched",method="GET",status="404"})"));
  EXPECT_EQ(scraped.body().find("/no/such/route"), std::string::npos);
  EXPECT_EQ(scraped.body().find("2147483000"), std::string::npos);

  const std::string mode = GetParam().mode == db::DbMode::async ? "async" : "sync";
  EXPECT_EQ(after.count("coffeehouse_info{version=\"" COFFEEHOUSE_VERSION "\",db_mode=\"" + mode + "\"}"), 1u);
  EXPECT_GE(after.at("db_query_duration_seconds_count"), 3);
  expect_cumulative_buckets(after, "db_query_duration_seconds");
  EXPECT_GE(after.at(R"(db_pool_connections{state="idle"})") + after.at(R"(db_pool_connections{state="in_use"})"), 1);
  EXPECT_EQ(after.at("db_pool_waiters"), 0);

  // Buckets are cumulative, and +Inf counts every observation.
  expect_cumulative_buckets(after, "http_request_duration_seconds", R"(route="/users/{id}")");
}

COFFEEHOUSE_EVERY_SETUP(Metrics);

}  // namespace
}  // namespace coffeehouse::testing
