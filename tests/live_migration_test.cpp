// Migrations applied while the service is under load, as a deploy applies them: changes that
// keep what the service reads must cost no request, and a change that removes something it
// reads must fail only the requests that need it, with an error naming it, until it is back.
#include "support/migrations_cli.hpp"
#include "support/scratch_database.hpp"
#include "support/service_fixture.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace coffeehouse::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct LiveSetup {
  db::DbMode mode;
  bool prepared_statements;
};

std::string live_setup_name(const ::testing::TestParamInfo<LiveSetup>& info) {
  return std::string(info.param.mode == db::DbMode::async ? "Async" : "Sync") +
         (info.param.prepared_statements ? "Prepared" : "Unprepared");
}

struct Answer {
  std::size_t route = 0;  // index into LiveLoad's routes
  unsigned status = 0;    // 0: the connection failed
  std::string code;       // error.code of an error answer
  std::string body;
  Clock::time_point sent;
  Clock::time_point answered;
};

// Clients that go round every route the service has, each on its own keep-alive connection.
class LiveLoad {
 public:
  struct Route {
    std::string name;
    std::string target;
    bool post = false;
  };

  LiveLoad(std::uint16_t port, std::int64_t user_id, std::int64_t coffee_id, const std::string& word, int clients)
      : routes_{{"user", "/users/" + std::to_string(user_id)}, {"create", "/users", true},
                {"country", "/users?country=Livonia&limit=5"}, {"coffee", "/coffee/" + std::to_string(coffee_id)},
                {"search", "/coffee/search?title=" + word},    {"notes", "/coffee/notes"}},
        coffee_id_(coffee_id) {
    for (int client = 0; client < clients; ++client) {
      clients_.emplace_back([this, port, client](const std::stop_token& stop) { run(stop, port, client); });
    }
  }
  ~LiveLoad() { stop(); }
  LiveLoad(const LiveLoad&) = delete;
  LiveLoad& operator=(const LiveLoad&) = delete;

  std::vector<Answer> stop() {
    for (auto& client : clients_) client.request_stop();
    clients_.clear();  // joins
    std::lock_guard lock(mutex_);
    return answers_;
  }
  std::size_t answered() const {
    std::lock_guard lock(mutex_);
    return answers_.size();
  }
  // Waits until `more` further answers arrived (the load has run across whatever happened).
  void wait_for_answers(std::size_t more) const {
    const auto target = answered() + more;
    const auto deadline = Clock::now() + 20s;
    while (answered() < target && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  }
  // The answers from the `first`th on, in the order they arrived.
  std::vector<Answer> since(std::size_t first) const {
    std::lock_guard lock(mutex_);
    return {answers_.begin() + static_cast<std::ptrdiff_t>(std::min(first, answers_.size())), answers_.end()};
  }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  void run(const std::stop_token& stop, std::uint16_t port, int client) {
    std::optional<HttpClient> http;
    for (std::size_t n = static_cast<std::size_t>(client); !stop.stop_requested(); ++n) {
      const auto route = n % routes_.size();
      Answer answer;
      answer.route = route;
      answer.sent = Clock::now();
      try {
        if (!http) http.emplace(port);
        const auto result =
            routes_[route].post
                ? http->post_json(routes_[route].target,
                                  R"({"name":"live-)" + std::to_string(client) + "-" + std::to_string(n) +
                                      R"(","has_sale":true,"address":{"country":"Livonia","lat":56.95},"coffee_id":)" +
                                      std::to_string(coffee_id_) + "}")
                : http->get(routes_[route].target);
        answer.status = result.status();
        if (answer.status >= 300) {
          answer.code = result.error_code();
          answer.body = result.body();
        }
      } catch (const std::exception& error) {
        answer.body = error.what();
        http.reset();
      }
      answer.answered = Clock::now();
      std::lock_guard lock(mutex_);
      answers_.push_back(std::move(answer));
    }
  }

  std::vector<Route> routes_;
  std::int64_t coffee_id_;
  mutable std::mutex mutex_;
  std::vector<Answer> answers_;
  std::vector<std::jthread> clients_;
};

std::string describe(const LiveLoad& load, const Answer& answer) {
  return load.routes()[answer.route].name + " -> " + std::to_string(answer.status) + " " + answer.body;
}

class LiveMigration : public ::testing::TestWithParam<LiveSetup> {
 protected:
  void SetUp() override {
    const auto migrated = migrate(database_, versions_dir(), {"upgrade", "heads"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    word_ = unique_word();
    coffee_id_ = std::stoll(database_
                                .column("INSERT INTO coffee (title, notes) VALUES ('Live " + word_ +
                                        " roast', '{cocoa,plum}') RETURNING id")
                                .front());
    user_id_ = std::stoll(database_
                              .column("INSERT INTO users (name, has_sale, address, coffee_id) VALUES ('Ada', true, "
                                      "'{\"country\":\"Livonia\"}', " +
                                      std::to_string(coffee_id_) + ") RETURNING id")
                              .front());
    auto config = test_config(GetParam().mode);
    config.database_url = database_.url();
    config.db_prepared_statements = GetParam().prepared_statements;
    service_.emplace(config);
  }

  std::unique_ptr<LiveLoad> start_load() {
    return std::make_unique<LiveLoad>(service_->port(), user_id_, coffee_id_, word_, 4);
  }

  // While the load runs: `remove` takes `column` away, then `restore` brings it back. Requests
  // fail only meanwhile, only on the routes that read it, as 500 schema_mismatch naming it.
  static void expect_removal_seen_and_survived(LiveLoad& load, const std::function<void()>& remove,
                                               const std::function<void()>& restore, const std::string& column,
                                               const std::set<std::string>& routes_that_read_it) {
    const auto before = load.answered();
    remove();
    load.wait_for_answers(300);
    restore();
    const auto restored_at = Clock::now();
    load.wait_for_answers(300);
    std::size_t mismatches = 0;
    for (const auto& answer : load.since(before)) {
      if (answer.status >= 200 && answer.status < 300) continue;
      const auto what = describe(load, answer);
      EXPECT_LT(answer.sent, restored_at) << "sent after the column was back: " << what;
      EXPECT_TRUE(routes_that_read_it.contains(load.routes()[answer.route].name)) << what;
      EXPECT_EQ(answer.status, 500u) << what;
      EXPECT_EQ(answer.code, "schema_mismatch") << what;
      EXPECT_NE(answer.body.find(column), std::string::npos) << what;
      ++mismatches;
    }
    EXPECT_GT(mismatches, 0u) << "no request noticed that " << column << " was gone";
  }

  ScratchDatabase database_;
  std::string word_;
  std::int64_t coffee_id_ = 0;
  std::int64_t user_id_ = 0;
  std::optional<RunningService> service_;
};

TEST_P(LiveMigration, ChangesThatKeepWhatTheServiceReadsFailNoRequest) {
  auto running = start_load();
  auto& load = *running;
  load.wait_for_answers(200);
  // Each change and its revert, with the load running across both.
  const std::vector<std::pair<std::string, std::string>> changes{
      // (a) a widening type change: the prepared statements' result types change under them
      {"ALTER TABLE users ALTER COLUMN name TYPE varchar(80)", "ALTER TABLE users ALTER COLUMN name TYPE varchar(50)"},
      {"ALTER TABLE coffee ALTER COLUMN origin TYPE varchar(300)",
       "ALTER TABLE coffee ALTER COLUMN origin TYPE varchar(200)"},
      // (b) a new column
      {"ALTER TABLE users ADD COLUMN nickname text", "ALTER TABLE users DROP COLUMN nickname"},
      // (c) a new index
      {"CREATE INDEX users_name_live_idx ON users (name)", "DROP INDEX users_name_live_idx"},
  };
  for (const auto& [change, revert] : changes) {
    database_.execute(change);
    load.wait_for_answers(150);
    database_.execute(revert);
    load.wait_for_answers(150);
  }
  const auto answers = load.stop();
  std::size_t failed = 0;
  std::string failures;
  for (const auto& answer : answers) {
    if (answer.status >= 200 && answer.status < 300) continue;
    if (++failed <= 5) failures += describe(load, answer) + "\n";
  }
  EXPECT_EQ(failed, 0u) << "of " << answers.size() << " requests:\n" << failures;
  EXPECT_GT(answers.size(), 1000u);
}

TEST_P(LiveMigration, ARemovedColumnFailsOnlyTheRequestsThatReadItAndTheServiceRecoversWhenItIsBack) {
  auto running = start_load();
  auto& load = *running;
  load.wait_for_answers(200);
  {
    SCOPED_TRACE("the seed's \"drop users.has_sale\" revision and its downgrade");
    expect_removal_seen_and_survived(
        load, [&] { database_.execute("ALTER TABLE users DROP COLUMN has_sale"); },
        [&] { database_.execute("ALTER TABLE users ADD COLUMN has_sale BOOLEAN"); }, "has_sale",
        {"user", "create", "country"});
  }
  {
    SCOPED_TRACE("the project's last revision (coffee.title_tsv), downgrade -1 and upgrade heads");
    expect_removal_seen_and_survived(
        load,
        [&] {
          const auto down = migrate(database_, versions_dir(), {"downgrade", "-1"});
          EXPECT_EQ(down.exit_code, 0) << down.err;
        },
        [&] {
          const auto up = migrate(database_, versions_dir(), {"upgrade", "heads"});
          EXPECT_EQ(up.exit_code, 0) << up.err;
        },
        "title_tsv", {"search"});
  }
  load.stop();
}

INSTANTIATE_TEST_SUITE_P(Setups, LiveMigration,
                         ::testing::Values(LiveSetup{db::DbMode::async, true}, LiveSetup{db::DbMode::async, false},
                                           LiveSetup{db::DbMode::sync, true}, LiveSetup{db::DbMode::sync, false}),
                         live_setup_name);

}  // namespace
}  // namespace coffeehouse::testing
