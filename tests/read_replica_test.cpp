// Reads from a streaming replica (--database-read-url), read-your-writes while it lags, losing
// and regaining it, and failover to a promoted standby: a real primary and a real hot standby
// (scripts/pg-cluster standby) on loopback, in both database modes.
#include "support/api_test.hpp"
#include "support/reliability_cluster.hpp"
#include "support/service_probes.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>

#include <thread>

namespace coffeehouse::testing {
namespace {

const std::string replica_serving = "db_replica_serving";
const std::string replica_reads = R"(db_reads_total{pool="replica"})";
const std::string misses_rechecked = R"(db_replica_fallbacks_total{reason="miss"})";

class ReadReplica : public ::testing::TestWithParam<db::DbMode> {
 protected:
  void SetUp() override {
    primary_ = std::make_unique<PrivateCluster>();
    coffee_id_ = primary_->scalar(
        "INSERT INTO coffee (title, origin, intensifier, notes) VALUES ('Replicated Roast', 'Sidamo', 'floral', '{}') "
        "RETURNING id");
    standby_ = std::make_unique<PrivateStandby>(*primary_);
    ASSERT_TRUE(standby_->wait_for_replay(primary_->current_wal_lsn()));
  }

  // Writes to the primary, reads from the standby; two io threads.
  app::ServeConfig config() const {
    auto config = test_config(GetParam());
    config.database_url = primary_->database_url();
    config.database_read_url = standby_->database_url();
    return config;
  }

  std::string coffee_title(HttpClient& http) {
    const auto answer = http.get("/coffee/" + coffee_id_);
    EXPECT_EQ(answer.status(), 200) << answer.body();
    if (answer.status() != 200) return {};
    return std::string(answer.json().at("title").as_string());
  }

  // POSTs users named `prefix` + a unique word until one is created (201) or `limit` passes; every
  // other answer must be 503 with Retry-After, never a 500 or a hang. The created name, or "".
  std::string create_user_through_outage(HttpClient& http, const std::string& prefix, Clock::duration limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      const auto name = prefix + unique_word();
      const auto answer = http.post_json("/users", R"({"name":")" + name + R"(","coffee_id":)" + coffee_id_ + "}");
      if (answer.status() == 201) return name;
      EXPECT_EQ(answer.status(), 503u) << answer.body();
      EXPECT_FALSE(answer.header("Retry-After").empty());
      if (answer.status() != 503) return {};
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
  }

  void rename_coffee(const std::string& title) {
    primary_->scalar("UPDATE coffee SET title = $1 WHERE id = $2", {title, coffee_id_});
  }

  std::unique_ptr<PrivateCluster> primary_;
  std::unique_ptr<PrivateStandby> standby_;
  std::string coffee_id_;
};

// Every io thread reads from the replica once its first check has answered.
bool wait_until_every_thread_reads_from_the_replica(HttpClient& http, Clock::duration limit = std::chrono::seconds(5)) {
  return wait_for_gauge(http, replica_serving, 2, limit);
}

TEST_P(ReadReplica, ReadsAreServedByTheReplicaAndReadyzSaysSo) {
  auto config = this->config();
  // The replay is paused below; the lag then grows from the last replayed commit, which is older
  // than this test.
  config.max_replica_lag = std::chrono::seconds(60);
  RunningService service(config);
  auto http = service.client();
  ASSERT_TRUE(wait_until_every_thread_reads_from_the_replica(http));
  EXPECT_EQ(http.get("/readyz").json().at("reads"), "replica");

  // A change the replica has not replayed shows that the replica answered.
  standby_->pause_replay();
  rename_coffee("Renamed On The Primary");
  EXPECT_EQ(coffee_title(http), "Replicated Roast");
  EXPECT_GT(gauge(http, replica_reads), 0u);

  standby_->resume_replay();
  ASSERT_TRUE(standby_->wait_for_replay(primary_->current_wal_lsn()));
  EXPECT_EQ(coffee_title(http), "Renamed On The Primary");
}

TEST_P(ReadReplica, WithoutAReadUrlEveryReadGoesToThePrimary) {
  auto config = this->config();
  config.database_read_url.clear();
  RunningService service(config);
  auto http = service.client();
  standby_->pause_replay();
  rename_coffee("Only On The Primary");
  EXPECT_EQ(coffee_title(http), "Only On The Primary");
  EXPECT_EQ(http.get("/readyz").json().at("reads"), "primary");
  EXPECT_EQ(gauge(http, replica_reads), 0u);
}

TEST_P(ReadReplica, CreateThenReadSucceedsWhileTheReplicaLagsBehind) {
  standby_->set_apply_delay(std::chrono::milliseconds(1500));
  RunningService service(config());
  auto http = service.client();
  ASSERT_TRUE(wait_until_every_thread_reads_from_the_replica(http));

  constexpr int users = 30;
  int read_back = 0;
  for (int i = 0; i < users; ++i) {
    const auto name = "Lagging Reader " + unique_word();
    const auto created = http.post_json("/users", R"({"name":")" + name + R"(","coffee_id":)" + coffee_id_ + "}");
    ASSERT_EQ(created.status(), 201) << created.body();
    const auto read = http.get(created.header("Location"));
    EXPECT_EQ(read.status(), 200) << read.body();
    if (read.status() == 200 && read.json().at("name").as_string() == name) ++read_back;
  }
  EXPECT_EQ(read_back, users);
  // The replica was in use and had not replayed the users: the primary answered the misses.
  EXPECT_GE(gauge(http, misses_rechecked), static_cast<std::size_t>(users));
  EXPECT_EQ(gauge(http, replica_serving), 2u);
}

TEST_P(ReadReplica, ReadsMoveToThePrimaryWhenTheReplicaStopsAndReturnWhenItIsBack) {
  RunningService service(config());
  auto http = service.client();
  ASSERT_TRUE(wait_until_every_thread_reads_from_the_replica(http));

  standby_->stop();
  // A read that meets the dead replica runs again on the primary: none fails.
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(std::make_unique<HttpClient>(service.port()));
  for (int round = 0; round < 5; ++round) {
    for (auto& client : clients) EXPECT_EQ(coffee_title(*client), "Replicated Roast");
  }
  EXPECT_TRUE(wait_for_gauge(http, replica_serving, 0, std::chrono::seconds(2)));
  EXPECT_EQ(http.get("/readyz").json().at("reads"), "primary");

  standby_->start();
  const auto started = Clock::now();
  ASSERT_TRUE(wait_until_every_thread_reads_from_the_replica(http, std::chrono::seconds(10)));
  const auto back_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  RecordProperty("replica_back_ms", std::to_string(back_ms));
  const auto before = gauge(http, replica_reads);
  for (auto& client : clients) EXPECT_EQ(coffee_title(*client), "Replicated Roast");
  EXPECT_GT(gauge(http, replica_reads), before);
}

TEST_P(ReadReplica, AReplicaLaggingBeyondTheLimitIsSetAsideUntilItCatchesUp) {
  auto config = this->config();
  config.max_replica_lag = std::chrono::milliseconds(1000);
  RunningService service(config);
  auto http = service.client();
  ASSERT_TRUE(wait_until_every_thread_reads_from_the_replica(http));

  standby_->pause_replay();
  rename_coffee("Written While The Replica Waits");
  ASSERT_TRUE(wait_for_gauge(http, replica_serving, 0, std::chrono::seconds(5)));
  // Served by the primary: the change the replica has not applied is there.
  EXPECT_EQ(coffee_title(http), "Written While The Replica Waits");
  EXPECT_EQ(http.get("/readyz").json().at("reads"), "primary");

  standby_->resume_replay();
  ASSERT_TRUE(wait_until_every_thread_reads_from_the_replica(http));
  EXPECT_EQ(coffee_title(http), "Written While The Replica Waits");
}

TEST_P(ReadReplica, WritesFollowThePromotedStandbyThroughAMultiHostUrl) {
  auto config = test_config(GetParam());
  // libpq tries the hosts in order and keeps the first that accepts writes.
  config.database_url =
      primary_->database_url_on({primary_->port(), standby_->port()}, "target_session_attrs=read-write");
  RunningService service(config);
  auto http = service.client();
  const auto before = http.post_json("/users", R"({"name":"Before The Failover","coffee_id":)" + coffee_id_ + "}");
  ASSERT_EQ(before.status(), 201) << before.body();

  primary_->stop();
  standby_->promote();

  // Requests during the switch are refused honestly, never a 500 or a hang; then writes succeed.
  const auto written = create_user_through_outage(http, "After The Failover ", std::chrono::seconds(15));
  ASSERT_FALSE(written.empty()) << "no write succeeded after the promotion";
  EXPECT_EQ(standby_->scalar("SELECT count(*) FROM users WHERE name = $1", {written}), "1");
  EXPECT_EQ(standby_->scalar("SELECT count(*) FROM users WHERE name = 'Before The Failover'"), "1");
}

TEST_P(ReadReplica, AWriteThatReachesAStandbyIs503AndItsConnectionIsReplaced) {
  auto config = test_config(GetParam());
  config.database_url = standby_->database_url();  // as a stale address after a failover would
  config.threads = 1;
  config.pool_size = 1;
  RunningService service(config);
  auto http = service.client();
  const auto service_backends = [this] {
    return standby_->scalar(
        "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE application_name = 'coffeehouse'");
  };
  ASSERT_EQ(coffee_title(http), "Replicated Roast");  // reads work on a standby
  const auto first_backend = service_backends();
  ASSERT_FALSE(first_backend.empty());

  const auto refused = http.post_json("/users", R"({"name":"Refused By A Standby","coffee_id":)" + coffee_id_ + "}");
  EXPECT_EQ(refused.status(), 503) << refused.body();
  EXPECT_EQ(refused.error_code(), "database_unavailable");
  EXPECT_FALSE(refused.header("Retry-After").empty());

  // The session that met the standby is not used again: the next request opens another.
  ASSERT_EQ(coffee_title(http), "Replicated Roast");
  const auto second_backend = service_backends();
  EXPECT_FALSE(second_backend.empty());
  EXPECT_NE(second_backend, first_backend);

  standby_->promote();
  EXPECT_FALSE(create_user_through_outage(http, "Accepted After Promotion ", std::chrono::seconds(10)).empty())
      << "no write succeeded after the promotion";
}

INSTANTIATE_TEST_SUITE_P(BothModes, ReadReplica, ::testing::Values(db::DbMode::async, db::DbMode::sync), mode_name);

class MultiHostUrl : public ::testing::TestWithParam<db::DbMode> {};

TEST_P(MultiHostUrl, AHostThatNeverAnswersIsGivenUpAfterItsConnectTimeout) {
  // A listening socket that never accepts: the kernel completes the handshake, and the server
  // never says a word, like a hung PostgreSQL or a black hole behind a proxy.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor hung(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  hung.listen(64);
  auto config = test_config(GetParam());
  const auto at = config.database_url.find('@');
  ASSERT_NE(at, std::string::npos) << "expected a URI test database URL";
  config.database_url.insert(at + 1, "127.0.0.1:" + std::to_string(hung.local_endpoint().port()) + ",");
  config.database_url += (config.database_url.find('?') == std::string::npos ? "?" : "&");
  config.database_url += "connect_timeout=2";
  const auto coffee_id = std::to_string(insert_coffee("Second Host " + unique_word()));
  RunningService service(config);
  auto http = service.client();
  const auto started = Clock::now();
  const auto answer = http.get("/coffee/" + coffee_id);
  EXPECT_EQ(answer.status(), 200) << answer.body();
  RecordProperty("first_answer_ms",
                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()));
}

INSTANTIATE_TEST_SUITE_P(BothModes, MultiHostUrl, ::testing::Values(db::DbMode::async, db::DbMode::sync), mode_name);

}  // namespace
}  // namespace coffeehouse::testing
