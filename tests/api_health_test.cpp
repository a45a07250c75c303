#include "db/migrations/versions_directory.hpp"
#include "support/api_test.hpp"
#include "support/service_probes.hpp"

#include <filesystem>
#include <fstream>

namespace coffeehouse::testing {
namespace {

class HealthApi : public ApiTest {};

TEST_P(HealthApi, HealthzAnswersWithoutTheDatabase) {
  const auto result = client().get("/healthz");
  EXPECT_EQ(result.status(), 200);
  EXPECT_EQ(result.json().at("status"), "ok");
}

TEST_P(HealthApi, ReadyzIsReadyAtTheHeadRevisions) {
  const auto result = client().get("/readyz");
  ASSERT_EQ(result.status(), 200) << result.body();
  EXPECT_EQ(result.json().at("status"), "ready");
  EXPECT_EQ(result.json().at("revisions").as_array().size(), 1u);
}

TEST_P(HealthApi, ReadyzIs503WhenTheDatabaseCannotBeReached) {
  service().stop();
  auto config = test_config(GetParam());
  config.database_url = "postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=2";
  RunningService unreachable(config);
  auto http = unreachable.client();
  const auto result = http.get("/readyz");
  EXPECT_EQ(result.status(), 503);
  EXPECT_EQ(result.error_code(), "not_ready");
  EXPECT_NE(result.body().find("unavailable"), std::string::npos) << result.body();
  // Liveness is unaffected, and data routes fail fast with 503 rather than hanging.
  EXPECT_EQ(http.get("/healthz").status(), 200);
  const auto data = http.get("/users/1");
  EXPECT_EQ(data.status(), 503);
  EXPECT_EQ(data.header("Retry-After"), "1");
}

TEST_P(HealthApi, ReadyzIs503WhenTheSchemaIsBehindTheRevisions) {
  service().stop();
  // A versions directory with one revision beyond the database's head.
  const auto head = db::migrations::head_revisions(versions_dir()).front();
  const auto dir = std::filesystem::temp_directory_path() / ("coffeehouse-versions-" + unique_word());
  std::filesystem::create_directories(dir);
  std::filesystem::copy(versions_dir(), dir);
  std::ofstream(dir / "ffffffffffff_pending.sql")
      << "-- revision: ffffffffffff\n-- down_revision: " << head
      << "\n"
         "-- message: pending\n\n-- upgrade\nSELECT 1;\n\n-- downgrade\nSELECT 1;\n";
  auto config = test_config(GetParam());
  config.versions_dir = dir.string();
  RunningService behind(config);
  const auto result = behind.client().get("/readyz");
  EXPECT_EQ(result.status(), 503);
  EXPECT_NE(result.body().find("ffffffffffff"), std::string::npos) << result.body();
  behind.stop();
  std::filesystem::remove_all(dir);
}

COFFEEHOUSE_EVERY_SETUP(HealthApi);

// The routes say what waits in the admission line, not the spelling of a target: a probe asked
// with a query, a trailing slash, an escaped letter or HEAD does not wait either.
TEST(Probes, AnswerWhileEveryPlaceIsTakenHoweverTheyAreAsked) {
  auto config = test_config(db::DbMode::async);
  config.threads = 1;
  config.max_in_progress = 1;
  config.bench_routes = true;
  RunningService service(config);
  auto observer = service.client();
  auto holder = get_in_background(service.port(), "/bench/sleep?ms=1500");
  ASSERT_TRUE(wait_for_gauge(observer, "http_requests_in_progress", 1));
  auto waiting = get_in_background(service.port(), "/bench/sleep?ms=1");
  ASSERT_TRUE(wait_for_gauge(observer, "http_requests_queued", 1));
  for (const auto method : {http::verb::get, http::verb::head}) {
    for (const auto* target : {"/healthz?x", "/healthz/", "/%68ealthz", "/readyz/", "/metrics?x"}) {
      auto http = service.client();
      const auto started = Clock::now();
      const auto answer = http.send(http::request<http::string_body>{method, target, 11});
      EXPECT_EQ(answer.status(), 200) << http::to_string(method) << " " << target;
      EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(500)) << http::to_string(method) << " " << target;
    }
  }
  EXPECT_EQ(holder.get().status, 200u);
  EXPECT_EQ(waiting.get().status, 200u);
}

}  // namespace
}  // namespace coffeehouse::testing
