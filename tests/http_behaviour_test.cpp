// How the server speaks HTTP/1.1, independent of the database mode.
#include "net/session.hpp"
#include "support/service_fixture.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
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
  EXPECT_EQ(wrong.header("Allow"), "GET, HEAD");
  http::request<http::string_body> del{http::verb::delete_, "/users", 11};
  EXPECT_EQ(http.send(std::move(del)).header("Allow"), "POST, GET, HEAD");
}

// RFC 9110 §9.3.2: the status and header fields GET would get, Content-Length included, and no
// body. On one connection, so a body sent after all would be read as the next answer and fail it.
TEST_F(HttpBehaviour, HeadAnswersWhatGetWouldWithoutTheBody) {
  auto http = service_.client();
  const auto created = http.post_json("/users", R"({"name":"Head"})");
  ASSERT_EQ(created.status(), 201) << created.body();
  for (const auto& target :
       {created.header("Location"), std::string("/healthz"), std::string("/readyz"), std::string("/openapi.json"),
        std::string("/docs"), std::string("/users/abc"), std::string("/coffee/search"), std::string("/nowhere")}) {
    const auto get = http.get(target);
    const auto head = http.head(target);
    EXPECT_EQ(head.status(), get.status()) << target;
    EXPECT_TRUE(head.body().empty()) << target;
    EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body().size())) << target;
    EXPECT_EQ(std::distance(head.message.begin(), head.message.end()),
              std::distance(get.message.begin(), get.message.end()))
        << target;
    for (const auto& field : get.message) EXPECT_EQ(head.header(field.name_string()), field.value()) << target;
  }
  EXPECT_EQ(http.get("/healthz").status(), 200);
}

TEST_F(HttpBehaviour, AnErrorAnswerToHeadHasNoBodyEither) {
  auto http = service_.client();
  http.write_raw("HEAD /healthz HTTP/1.1\r\nHost x\r\n\r\n");
  const auto answer = http.read_until_closed();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << answer;
  EXPECT_NE(answer.find("\r\nContent-Length: "), std::string::npos) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\n")) << answer;
}

// The request line is longer than the session's first read, and the header never ends: Beast
// leaves such a request line unparsed, yet the client asked for HEAD and must get no body.
TEST_F(HttpBehaviour, AnAnswerToAHeadCutShortInItsHeaderHasNoBody) {
  auto http = service_.client();
  http.write_raw("HEAD /healthz?padding=" + std::string(2000, 'a') + " HTTP/1.1\r\nHost: x\r\nbroken");
  http.finish_writing();
  const auto answer = http.read_until_closed();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << answer;
  EXPECT_NE(answer.find("\r\nContent-Length: "), std::string::npos) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\n")) << answer;
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
  http.write_raw(
      "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
  const auto result = http.read_response();
  EXPECT_EQ(result.status(), 413);
  EXPECT_EQ(result.error_code(), "body_too_large");
  EXPECT_TRUE(http.closed_by_peer());
}

// A client that writes its whole request before it reads (Python's urllib) must get the early
// answer, not EPIPE or a reset: the session lingers (RFC 9112 §9.6), reading and discarding the
// rest. 8 MiB is more than the socket buffers hold, so the client is still writing when the
// session answers.
TEST_F(HttpBehaviour, AnEarlyErrorReachesAClientThatWritesItsWholeRequestFirst) {
  const std::size_t size = 8 * 1024 * 1024;
  std::string chunked;
  for (const std::string chunk(64 * 1024, ' '); chunked.size() < size;) chunked += "10000\r\n" + chunk + "\r\n";
  const std::string post = "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  const struct {
    std::string request;
    unsigned status;
  } cases[] = {
      {post + "Content-Length: " + std::to_string(size) + "\r\n\r\n" + std::string(size, ' '), 413},
      {post + "Transfer-Encoding: chunked\r\n\r\n" + chunked, 413},
      {post + "Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\nzz\r\n" + std::string(size, ' '), 400},
      {"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(size, 'a') + "\r\n\r\n", 431},
  };
  for (const auto& [request, status] : cases) {
    auto http = service_.client();
    EXPECT_NO_THROW(http.write_raw(request)) << status;
    const auto result = http.read_response();
    EXPECT_EQ(result.status(), status);
    EXPECT_TRUE(http.closed_by_peer()) << status;
  }
}

// The lingering is bounded: a client that goes on sending is cut off after
// SessionLimits::linger_bytes, one that trickles after linger_timeout.
TEST_F(HttpBehaviour, LingeringAfterAnEarlyErrorStopsAfterSoManyBytes) {
  const net::SessionLimits limits;
  auto http = service_.client();
  http.write_raw(
      "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n");
  const std::string chunk(1024 * 1024, ' ');
  std::uint64_t written = 0;
  try {
    while (written < 1024 * chunk.size()) {
      http.write_raw(chunk);
      written += chunk.size();
    }
  } catch (const boost::system::system_error&) {
    // The session closed: what this test waits for.
  }
  // What the session read (the chunk being written may be part of it), plus what the two sockets'
  // buffers took in: a few tens of MiB at most.
  EXPECT_GE(written + chunk.size(), limits.linger_bytes);
  EXPECT_LT(written, limits.linger_bytes + 64 * chunk.size());
}

TEST_F(HttpBehaviour, LingeringAfterAnEarlyErrorStopsAfterSoLong) {
  const net::SessionLimits limits;
  auto http = service_.client();
  http.write_raw(
      "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n");
  EXPECT_EQ(http.read_response().status(), 413);
  const auto answered = std::chrono::steady_clock::now();
  bool cut_off = false;
  while (!cut_off && std::chrono::steady_clock::now() - answered < 4 * limits.linger_timeout) {
    try {
      http.write_raw(" ");
    } catch (const boost::system::system_error&) {
      cut_off = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto lingered = std::chrono::steady_clock::now() - answered;
  EXPECT_TRUE(cut_off);
  EXPECT_GE(lingered, limits.linger_timeout - std::chrono::milliseconds(200));
  EXPECT_LT(lingered, limits.linger_timeout + std::chrono::seconds(1));
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
