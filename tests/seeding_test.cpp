// First-start seeding against a real database and a local stand-in for random-data-api.com.
#include "db/seed_store.hpp"
#include "seed/offline_generator.hpp"
#include "support/db_results.hpp"
#include "support/migrations_cli.hpp"
#include "support/random_data_api_fixtures.hpp"
#include "support/scratch_database.hpp"
#include "support/service_fixture.hpp"
#include "support/test_certificates.hpp"
#include "support/test_env.hpp"
#include "support/tls_fixture_server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <set>
#include <thread>

namespace coffeehouse::testing {
namespace {

namespace json = boost::json;
using test_support::ScriptedResponse;
using test_support::TlsFixtureServer;

// An empty database at the head revisions, as `scripts/run` leaves one before the first start.
class MigratedScratchDatabase : public ScratchDatabase {
 public:
  MigratedScratchDatabase() {
    const auto migrated = migrate(*this, versions_dir(), {"upgrade", "heads"});
    if (migrated.exit_code != 0) throw std::runtime_error("migrating the scratch database failed: " + migrated.err);
  }
  int count(const std::string& table) const { return std::stoi(column("SELECT count(*) FROM " + table).at(0)); }
};

// Answers the two seed endpoints with `count` real-shaped elements after `delay`.
test_support::ResponseScript api_answering(std::size_t count, std::chrono::milliseconds delay = {}) {
  return [count, delay](const test_support::RecordedRequest& request) {
    const bool coffee = request.target.starts_with("/api/coffee/random_coffee");
    return ScriptedResponse{.status = 200,
                            .body = coffee ? test_support::array_body(count, test_support::coffee_fixture)
                                           : test_support::address_texts_body(count),
                            .headers = {{boost::beast::http::field::content_type, "application/json"}},
                            .delay = delay};
  };
}

app::ServeConfig seeding_config(const std::string& database_url, const TlsFixtureServer& api) {
  auto config = test_config(db::DbMode::async);
  config.database_url = database_url;
  config.seed = app::SeedMode::automatic;
  config.seed_source.source = seed::SeedSource::api;
  config.seed_source.api_base_url = api.url("");
  config.seed_source.client.extra_ca_file = test_support::test_pki().authority_file;
  config.seed_source.client.total_deadline = std::chrono::seconds(3);
  return config;
}

void wait_until_ready(const RunningService& service) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (service.client().get("/readyz").status() == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  FAIL() << "the service never became ready";
}

TEST(Seeding, FirstStartStoresTenCoffeesAndTenUsersFromTheApi) {
  MigratedScratchDatabase database;
  TlsFixtureServer api(test_support::test_pki().localhost, api_answering(10));
  RunningService service(seeding_config(database.url(), api));
  wait_until_ready(service);

  EXPECT_EQ(database.count("coffee"), 10);
  EXPECT_EQ(database.count("users"), 10);
  // Notes are real arrays, split and trimmed.
  EXPECT_EQ(database.column("SELECT DISTINCT array_to_string(notes, '|') FROM coffee"),
            std::vector<std::string>{"crisp|slick|tomato|lemon|smokey"});
  EXPECT_EQ(database.column("SELECT DISTINCT intensifier FROM coffee"), std::vector<std::string>{"delicate"});
  // Addresses are kept whole, all 23 fields.
  EXPECT_EQ(database.column("SELECT DISTINCT (SELECT count(*) FROM json_object_keys(address))::text FROM users"),
            std::vector<std::string>{"23"});
  // Every user got one of the new coffees.
  EXPECT_EQ(database.column("SELECT count(*) FROM users u JOIN coffee c ON c.id = u.coffee_id"),
            std::vector<std::string>{"10"});
  // Each address is stored as the very text the API sent, every digit of every number, and served
  // so by GET /users/{id}. (Which user got which address is the insert's business: the address's
  // own "id" says which one was sent.)
  const auto ids = database.column("SELECT id FROM users ORDER BY id");
  const auto stored = database.column("SELECT address::text FROM users ORDER BY id");
  ASSERT_EQ(stored.size(), 10u);
  std::set<std::int64_t> addresses_seen;
  for (std::size_t index = 0; index < stored.size(); ++index) {
    const auto address_id = json::parse(stored[index]).at("id").as_int64();
    addresses_seen.insert(address_id);
    const auto sent = test_support::address_text_fixture(address_id);
    EXPECT_EQ(stored[index], sent);
    const auto served = service.client().get("/users/" + ids[index]);
    ASSERT_EQ(served.status(), 200);
    EXPECT_NE(served.body().find("\"address\":" + sent), std::string::npos) << served.body();
  }
  EXPECT_EQ(addresses_seen.size(), 10u);
  EXPECT_EQ(*addresses_seen.begin(), 1000);
  const auto requests = api.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& request : requests) EXPECT_NE(request.target.find("size=10"), std::string::npos) << request.target;
}

TEST(Seeding, RequestsMadeDuringSeedingWaitForItAndReadyzSaysSo) {
  MigratedScratchDatabase database;
  TlsFixtureServer api(test_support::test_pki().localhost, api_answering(10, std::chrono::milliseconds(800)));
  RunningService service(seeding_config(database.url(), api));
  auto http = service.client();

  const auto readiness = http.get("/readyz");
  EXPECT_EQ(readiness.status(), 503);
  EXPECT_NE(readiness.body().find("seeded"), std::string::npos) << readiness.body();
  EXPECT_EQ(http.get("/healthz").status(), 200);

  // Like the seed's before_first_request: this answer already sees the seeded data.
  const auto notes = http.get("/coffee/notes");
  EXPECT_EQ(notes.status(), 200);
  EXPECT_EQ(notes.json(), (json::array{"crisp", "lemon", "slick", "smokey", "tomato"}));
  EXPECT_EQ(http.get("/readyz").status(), 200);
}

TEST(Seeding, AnUnusableApiFallsBackToTheOfflineGenerator) {
  MigratedScratchDatabase database;
  TlsFixtureServer api(test_support::test_pki().localhost, [](const test_support::RecordedRequest&) {
    return ScriptedResponse{.status = 200, .body = "{not json", .headers = {}, .delay = {}};
  });
  RunningService service(seeding_config(database.url(), api));
  wait_until_ready(service);
  EXPECT_EQ(database.count("coffee"), 10);
  EXPECT_EQ(database.count("users"), 10);
  EXPECT_EQ(database.column("SELECT count(*) FROM coffee WHERE title LIKE 'Cascara Blend%'"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(database.column("SELECT DISTINCT (SELECT count(*) FROM json_object_keys(address))::text FROM users"),
            std::vector<std::string>{"23"});
}

TEST(Seeding, TwoServicesStartingTogetherOnOneEmptyDatabaseSeedItOnce) {
  MigratedScratchDatabase database;
  TlsFixtureServer api(test_support::test_pki().localhost, api_answering(10, std::chrono::milliseconds(200)));
  RunningService first(seeding_config(database.url(), api));
  RunningService second(seeding_config(database.url(), api));
  wait_until_ready(first);
  wait_until_ready(second);
  EXPECT_EQ(database.count("coffee"), 10);
  EXPECT_EQ(database.count("users"), 10);
}

TEST(Seeding, APopulatedDatabaseIsLeftAlone) {
  MigratedScratchDatabase database;
  database.execute("INSERT INTO coffee (title) VALUES ('Already Here')");
  TlsFixtureServer api(test_support::test_pki().localhost, api_answering(10));
  RunningService service(seeding_config(database.url(), api));
  wait_until_ready(service);
  EXPECT_EQ(database.count("coffee"), 1);
  EXPECT_TRUE(api.requests().empty()) << "fetched seed data for a populated database";
}

TEST(Seeding, StoringIsAllOrNothing) {
  MigratedScratchDatabase database;
  auto data = seed::generate_offline_seed(10, 42);
  data.users.back().name = std::string(60, 'x');  // users.name is VARCHAR(50): the insert fails

  boost::asio::io_context io{1};
  auto pool = db::Pool::create(io.get_executor(), db::PoolOptions{.max_connections = 1},
                               db::make_connection_factory(db::DbMode::async, io.get_executor(),
                                                           db::ConnectionOptions{.database_url = database.url()}));
  db::SeedStore store(*pool);
  auto stored = boost::asio::co_spawn(io, store.store(data, db::SeedPolicy::only_if_empty), boost::asio::use_future);
  io.run();
  const auto result = stored.get();
  EXPECT_EQ(error_kind(result), db::ErrorKind::invalid_value) << error_message(result);
  EXPECT_EQ(database.count("coffee"), 0);
  EXPECT_EQ(database.count("users"), 0);
}

TEST(Seeding, SeedCommandAddsRowsOnDemand) {
  MigratedScratchDatabase database;
  for (int run = 0; run < 2; ++run) {
    const auto seeded =
        run_coffeehouse({"seed", "--count", "3", "--seed-source", "offline", "--database-url", database.url()});
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  }
  EXPECT_EQ(database.count("coffee"), 6);
  EXPECT_EQ(database.count("users"), 6);
}

}  // namespace
}  // namespace coffeehouse::testing
