// The service heals itself when PostgreSQL drops its connections.
#include "db/conninfo.hpp"
#include "support/api_test.hpp"

#include <thread>

namespace coffeehouse::testing {
namespace {

// Terminates every backend opened under `application_name` and waits until they are gone, as a
// PostgreSQL restart or an operator's pg_terminate_backend would. Other tests running at the
// same time use other names and keep their connections.
void terminate_backends_of(const std::string& application_name) {
  const auto admin = required_env("COFFEEHOUSE_TEST_ADMIN_URL");
  auto conn = db::connect_blocking(admin, std::chrono::seconds(5));
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  const char* params[] = {application_name.c_str()};
  db::PgResultPtr terminated(PQexecParams(
      conn.get(), "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", 1,
      nullptr, params, nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(terminated.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.get());
  EXPECT_GT(std::stoi(PQgetvalue(terminated.get(), 0, 0)), 0);
  for (int i = 0; i < 100; ++i) {
    db::PgResultPtr left(PQexecParams(conn.get(), "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                                      1, nullptr, params, nullptr, nullptr, 0));
    if (std::string(PQgetvalue(left.get(), 0, 0)) == "0") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "backends still alive after pg_terminate_backend";
}

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

  terminate_backends_of(application_name);

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
