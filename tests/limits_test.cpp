// The limits that keep one slow query or one greedy client from hurting everyone else.
#include "support/api_test.hpp"

#include <thread>

namespace coffeehouse::testing {
namespace {

// Through PgBouncer too: there the timeout cannot be a session setting made on connect (the
// next transaction may run on another server connection), and the service sends it with every
// transaction instead.
class StatementTimeout : public ::testing::TestWithParam<ServiceSetup> {};

TEST_P(StatementTimeout, ASlowQueryIs504AndTheConnectionServesTheNextRequest) {
  auto config = test_config(GetParam());
  config.threads = 1;
  config.pool_size = 1;  // the same connection must serve the request after the timeout
  config.bench_routes = true;
  config.statement_timeout = std::chrono::milliseconds(200);
  RunningService service(config);
  auto http = service.client();

  const auto started = std::chrono::steady_clock::now();
  const auto slow = http.get("/bench/sleep?ms=5000");
  EXPECT_EQ(slow.status(), 504);
  EXPECT_EQ(slow.error_code(), "database_timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_EQ(http.get("/bench/sleep?ms=1").status(), 200);
  EXPECT_EQ(http.get("/readyz").status(), 200);
}

COFFEEHOUSE_EVERY_SETUP(StatementTimeout);

TEST(ConnectionLimits, IdleKeepAliveConnectionsAreClosedAfterTheIdleTimeout) {
  auto config = test_config(db::DbMode::async);
  config.idle_timeout = std::chrono::milliseconds(300);
  RunningService service(config);
  auto http = service.client();
  EXPECT_EQ(http.get("/healthz").status(), 200);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(http.closed_by_peer());
  const auto idle = std::chrono::steady_clock::now() - started;
  EXPECT_GE(idle, std::chrono::milliseconds(250));
  EXPECT_LT(idle, std::chrono::seconds(3));
}

TEST(ConnectionLimits, ConnectionsBeyondTheMaximumGet503) {
  auto config = test_config(db::DbMode::async);
  config.max_connections = 2;
  RunningService service(config);
  auto first = service.client();
  auto second = service.client();
  EXPECT_EQ(first.get("/healthz").status(), 200);
  EXPECT_EQ(second.get("/healthz").status(), 200);

  HttpClient third(service.port());
  const auto refused = third.read_response();
  EXPECT_EQ(refused.status(), 503);
  EXPECT_EQ(refused.error_code(), "too_many_connections");
  EXPECT_TRUE(third.closed_by_peer());

  // A place frees up when a connection closes.
  first.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(first.read_response().status(), 200);
  EXPECT_TRUE(first.closed_by_peer());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(service.client().get("/healthz").status(), 200);
}

}  // namespace
}  // namespace coffeehouse::testing

namespace coffeehouse::testing {
namespace {

TEST(ConnectionLimits, ASecondServiceOnABusyPortFailsInsteadOfSharingIt) {
  RunningService first(db::DbMode::async);
  auto config = test_config(db::DbMode::async);
  config.listen = "127.0.0.1:" + std::to_string(first.port());
  try {
    RunningService second(config);
    ADD_FAILURE() << "a second service bound the busy port";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("in use"), std::string::npos) << error.what();
  }
  EXPECT_EQ(first.client().get("/healthz").status(), 200);
}

// The HTTP limits, set lower by flags, bind where the flags say. (Their defaults:
// tests/http_framing_test.cpp.)
std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ConfiguredLimits, HeaderBodyAndJsonDepthLimitsFollowTheirFlags) {
  auto config = test_config(db::DbMode::async);
  config.max_header_bytes = 2048;
  config.max_body_bytes = 4096;
  config.max_json_depth = 4;
  RunningService service(config);

  auto http = service.client();
  EXPECT_EQ(http.get("/coffee/search?title=" + std::string(1500, 'a')).status(), 200);
  const auto long_target = service.client().get("/coffee/search?title=" + std::string(2100, 'a'));
  EXPECT_EQ(long_target.status(), 431);

  const std::string padding(4000, ' ');  // whitespace: valid JSON at any length
  EXPECT_EQ(service.client().post_json("/users", R"({"name":"Limits"})" + std::string(3000, ' ')).status(), 201);
  const auto large = service.client().post_json("/users", R"({"name":"Limits"})" + padding + padding);
  EXPECT_EQ(large.status(), 413);
  EXPECT_EQ(large.error_code(), "body_too_large");

  // {"name", "address": {"a": [[…]]}}: the body is level 1, address 2, then the arrays.
  EXPECT_EQ(
      service.client().post_json("/users", R"({"name":"Limits","address":{"a":)" + nested_arrays(2) + "}}").status(),
      201);
  const auto deep =
      service.client().post_json("/users", R"({"name":"Limits","address":{"a":)" + nested_arrays(3) + "}}");
  EXPECT_EQ(deep.status(), 400);
  EXPECT_EQ(deep.error_code(), "malformed_json");
}

}  // namespace
}  // namespace coffeehouse::testing
