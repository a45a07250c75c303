// How the server speaks HTTP/1.1, independent of the database mode.
#include "support/service_fixture.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace coffeehouse::testing {
namespace {

class HttpBehaviour : public ::testing::Test {
 protected:
  static app::ServeConfig config() {
    auto config = test_config(db::DbMode::async);
    config.read_timeout = std::chrono::milliseconds(400);
    return config;
  }
  RunningService service_{config()};
};

TEST_F(HttpBehaviour, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto http = service_.client();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(http.get("/healthz").status(), 200);
}

TEST_F(HttpBehaviour, PipelinedRequestsAreAnsweredInOrder) {
  auto http = service_.client();
  http.write_raw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /coffee/search HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(http.read_response().status(), 200);
  EXPECT_EQ(http.read_response().status(), 404);
  EXPECT_EQ(http.read_response().status(), 400);
}

TEST_F(HttpBehaviour, ConnectionCloseIsHonoured) {
  auto http = service_.client();
  http.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto result = http.read_response();
  EXPECT_EQ(result.status(), 200);
  EXPECT_FALSE(result.message.keep_alive());
  EXPECT_TRUE(http.closed_by_peer());
}

TEST_F(HttpBehaviour, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  auto http = service_.client();
  const auto missing = http.get("/teapots");
  EXPECT_EQ(missing.status(), 404);
  EXPECT_EQ(missing.error_code(), "not_found");
  http::request<http::string_body> put{http::verb::put, "/users/1", 11};
  const auto wrong = http.send(std::move(put));
  EXPECT_EQ(wrong.status(), 405);
  EXPECT_EQ(wrong.header("Allow"), "GET");
  http::request<http::string_body> del{http::verb::delete_, "/users", 11};
  EXPECT_EQ(http.send(std::move(del)).header("Allow"), "POST, GET");
}

TEST_F(HttpBehaviour, OversizedHeadersAre431AndCloseTheConnection) {
  auto http = service_.client();
  http.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(9000, 'a') + "\r\n\r\n");
  const auto result = http.read_response();
  EXPECT_EQ(result.status(), 431);
  EXPECT_EQ(result.error_code(), "headers_too_large");
  EXPECT_TRUE(http.closed_by_peer());
}

TEST_F(HttpBehaviour, OversizedBodyIs413WithoutReadingIt) {
  auto http = service_.client();
  // Only the headers are sent: the declared length alone must be enough to refuse.
  http.write_raw("POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
  const auto result = http.read_response();
  EXPECT_EQ(result.status(), 413);
  EXPECT_EQ(result.error_code(), "body_too_large");
  EXPECT_TRUE(http.closed_by_peer());
}

TEST_F(HttpBehaviour, MalformedRequestIs400AndClosesTheConnection) {
  auto http = service_.client();
  http.write_raw("GET /healthz HTTP/1.1\r\nHost x\r\n\r\n");
  const auto result = http.read_response();
  EXPECT_EQ(result.status(), 400);
  EXPECT_EQ(result.error_code(), "bad_request");
  EXPECT_TRUE(http.closed_by_peer());
}

TEST_F(HttpBehaviour, SlowDripClientIsCutOffByTheReadTimeout) {
  auto http = service_.client();
  const auto started = std::chrono::steady_clock::now();
  // One header byte every 100 ms would keep a per-read timeout alive forever; the timeout
  // bounds the whole request, so the server hangs up after about 400 ms.
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  bool cut_off = false;
  for (int i = 0; i < 30 && !cut_off; ++i) {
    try {
      http.write_raw(std::string(1, request[static_cast<std::size_t>(i) % request.size()]));
    } catch (const boost::system::system_error&) {
      cut_off = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!cut_off) cut_off = http.closed_by_peer();
  EXPECT_TRUE(cut_off);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(3000));
}

TEST_F(HttpBehaviour, TrailingSlashNamesTheSameResource) {
  auto http = service_.client();
  EXPECT_EQ(http.get("/healthz/").status(), 200);
}

}  // namespace
}  // namespace coffeehouse::testing
