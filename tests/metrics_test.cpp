#include "support/api_test.hpp"

#include <cmath>
#include <cstring>
#include <map>
#include <regex>
#include <sstream>

namespace coffeehouse::testing {
namespace {

// A strict reading of the Prometheus text format: every sample belongs to a family declared by
// # TYPE before it, names and labels are well-formed, values are numbers, and histograms are
// cumulative with +Inf equal to _count. Returns the samples as "name{labels}" -> value.
std::map<std::string, double> parse_exposition(const std::string& text) {
  static const std::regex type_line(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex help_line(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
  static const std::regex sample_line(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*)?\})? (-?[0-9.eE+-]+|\+Inf|NaN))");
  std::map<std::string, std::string> families;
  std::map<std::string, double> samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, type_line)) {
      EXPECT_FALSE(families.contains(match[1])) << "family declared twice: " << line;
      families[match[1]] = match[2];
    } else if (std::regex_match(line, help_line)) {
      continue;
    } else if (std::regex_match(line, match, sample_line)) {
      std::string family = match[1];
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (family.ends_with(suffix) && families.contains(family.substr(0, family.size() - std::strlen(suffix)))) {
          family = family.substr(0, family.size() - std::strlen(suffix));
        }
      }
      EXPECT_TRUE(families.contains(family)) << "sample before its # TYPE: " << line;
      const auto value = line.substr(line.rfind(' ') + 1);
      samples[line.substr(0, line.rfind(' '))] = value == "+Inf" ? HUGE_VAL : std::stod(value);
    } else {
      ADD_FAILURE() << "not exposition format: '" << line << "'";
    }
  }
  return samples;
}

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
  EXPECT_EQ(after.at("db_query_duration_seconds_count"), after.at(R"(db_query_duration_seconds_bucket{le="+Inf"})"));
  EXPECT_GE(after.at(R"(db_pool_connections{state="idle"})") + after.at(R"(db_pool_connections{state="in_use"})"), 1);
  EXPECT_EQ(after.at("db_pool_waiters"), 0);

  // Buckets are cumulative, and +Inf counts every observation.
  const std::string prefix = R"(http_request_duration_seconds_bucket{route="/users/{id}",le=")";
  double last = -1;
  for (const char* bound : {"0.0001", "0.001", "0.01", "0.1", "1", "2.5", "+Inf"}) {
    const auto value = after.at(prefix + bound + "\"}");
    EXPECT_GE(value, last) << bound;
    last = value;
  }
  EXPECT_EQ(last, after.at(R"(http_request_duration_seconds_count{route="/users/{id}"})"));
}

COFFEEHOUSE_EVERY_SETUP(Metrics);

}  // namespace
}  // namespace coffeehouse::testing
