// What /metrics renders, from a snapshot made here: the Prometheus text format, label escaping,
// cumulative buckets and merged io threads, with no service and no database. (The counters of a
// live service moving with its traffic: tests/metrics_test.cpp.)
#include "metrics/worker_metrics.hpp"
#include "support/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace coffeehouse::testing {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

const std::vector<std::string> route_patterns{"/users/{id}", "/coffee/search"};

std::string render(const metrics::Snapshot& snapshot) {
  return metrics::render_prometheus(snapshot,
                                    {.route_patterns = &route_patterns, .db_mode = "sync", .version = "1.2.3"});
}

TEST(MetricsRendering, RequestsAreCountedByRoutePatternMethodAndStatusWithUnmatchedPathsInOneSeries) {
  metrics::Snapshot snapshot;
  snapshot.requests = metrics::WorkerMetrics(route_patterns.size());
  for (int i = 0; i < 3; ++i) snapshot.requests.record_request(0, http::verb::get, 404, 1ms);
  snapshot.requests.record_request(1, http::verb::get, 200, 2ms);
  snapshot.requests.record_request(route_patterns.size(), http::verb::post, 404, 1ms);

  const auto samples = parse_exposition(render(snapshot));
  EXPECT_EQ(samples.at(R"(coffeehouse_info{version="1.2.3",db_mode="sync"})"), 1);
  EXPECT_EQ(samples.at(R"(http_requests_total{route="/users/{id}",method="GET",status="404"})"), 3);
  EXPECT_EQ(samples.at(R"(http_requests_total{route="/coffee/search",method="GET",status="200"})"), 1);
  EXPECT_EQ(samples.at(R"(http_requests_total{route="unmatched",method="POST",status="404"})"), 1);
}

TEST(MetricsRendering, HistogramBucketsAreCumulativeAndInfCountsEveryObservation) {
  metrics::Snapshot snapshot;
  snapshot.requests = metrics::WorkerMetrics(route_patterns.size());
  for (const std::chrono::nanoseconds took : {50us, 700us, 3000us, 40000us, 4000000us}) {
    snapshot.requests.record_request(0, http::verb::get, 200, took);
  }
  snapshot.query_durations.observe(2ms);

  const auto samples = parse_exposition(render(snapshot));
  EXPECT_EQ(expect_cumulative_buckets(samples, "http_request_duration_seconds", R"(route="/users/{id}")"), 5);
  EXPECT_EQ(samples.at(R"(http_request_duration_seconds_bucket{route="/users/{id}",le="0.0001"})"), 1);
  EXPECT_EQ(samples.at(R"(http_request_duration_seconds_bucket{route="/users/{id}",le="2.5"})"), 4)
      << "4 s is beyond the last bound";
  EXPECT_FALSE(samples.contains(R"(http_request_duration_seconds_count{route="/coffee/search"})"))
      << "a route without requests has no histogram";
  EXPECT_EQ(expect_cumulative_buckets(samples, "db_query_duration_seconds"), 1);
}

TEST(MetricsRendering, MergedThreadsAddUpTheirCountsAndGauges) {
  metrics::WorkerMetrics first(route_patterns.size());
  metrics::WorkerMetrics second(route_patterns.size());
  first.record_request(1, http::verb::get, 200, 1ms);
  second.record_request(1, http::verb::get, 200, 1ms);
  metrics::Snapshot snapshot;
  snapshot.requests = metrics::WorkerMetrics(route_patterns.size());
  snapshot.requests.merge(first);
  snapshot.requests.merge(second);
  snapshot.pool.merge({.idle = 1, .in_use = 2, .waiters = 1, .refused_overloaded = 3});
  snapshot.pool.merge({.idle = 2, .refused_timed_out = 1});

  const auto samples = parse_exposition(render(snapshot));
  EXPECT_EQ(samples.at(R"(http_requests_total{route="/coffee/search",method="GET",status="200"})"), 2);
  EXPECT_EQ(samples.at(R"(db_pool_connections{state="idle"})"), 3);
  EXPECT_EQ(samples.at(R"(db_pool_connections{state="in_use"})"), 2);
  EXPECT_EQ(samples.at("db_pool_waiters"), 1);
  EXPECT_EQ(samples.at(R"(db_pool_refusals_total{reason="overloaded"})"), 3);
  EXPECT_EQ(samples.at(R"(db_pool_refusals_total{reason="acquire_timeout"})"), 1);
  EXPECT_EQ(samples.at(R"(db_pool_refusals_total{reason="unavailable"})"), 0);
}

TEST(MetricsRendering, LabelValuesAreEscaped) {
  const std::vector<std::string> odd_patterns{"/a\"b\\c"};
  metrics::Snapshot snapshot;
  snapshot.requests = metrics::WorkerMetrics(odd_patterns.size());
  snapshot.requests.record_request(0, http::verb::get, 200, 1ms);
  const auto text =
      metrics::render_prometheus(snapshot, {.route_patterns = &odd_patterns, .db_mode = "async", .version = "x\ny"});
  const auto samples = parse_exposition(text);
  EXPECT_TRUE(samples.contains(R"(http_requests_total{route="/a\"b\\c",method="GET",status="200"})")) << text;
  EXPECT_TRUE(samples.contains(R"(coffeehouse_info{version="x\ny",db_mode="async"})")) << text;
}

}  // namespace
}  // namespace coffeehouse::testing
