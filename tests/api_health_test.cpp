#include "db/migrations/versions_directory.hpp"
#include "support/api_test.hpp"

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
  std::ofstream(dir / "ffffffffffff_pending.sql") << "-- revision: ffffffffffff\n-- down_revision: " << head << "\n"
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

}  // namespace
}  // namespace coffeehouse::testing
