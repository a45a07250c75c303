// What the service answers before it asks the database, so on a service whose database nothing
// listens on: HTTP framing limits, and malformed targets. (The limits set lower by flags, with
// requests that do reach the database: tests/limits_test.cpp.)
#include "support/service_fixture.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <sstream>

namespace coffeehouse::testing {
namespace {

namespace json = boost::json;

// Found by tests/fuzz/router_fuzzer: a path id with a percent-encoded byte that is not UTF-8 was
// echoed decoded into the error message, and the body was no longer valid JSON.
TEST(FuzzFindings, InvalidPathIdIsEchoedSoThatTheBodyStaysValidJson) {
  RunningService service(offline_config());
  auto http = service.client();
  for (const std::string target : {"/coffee/seale=d2r%a2k+roast%22+-bitter", "/users/%FF%FE", "/users/%C0%80"}) {
    const auto result = http.get(target);
    EXPECT_EQ(result.status(), 400) << target;
    boost::system::error_code ec;
    const auto body = json::parse(result.body(), ec);  // Boost.JSON refuses invalid UTF-8
    ASSERT_FALSE(ec) << target << " -> " << result.body();
    EXPECT_EQ(body.at("error").at("code"), "invalid_id");
  }
  EXPECT_NE(http.get("/users/%A2x").body().find("%A2x"), std::string::npos);
}

// HTTP framing limits.

class HttpLimits : public ::testing::Test {
 protected:
  RunningService service_{offline_config()};
};

TEST_F(HttpLimits, ChunkedBodyBeyondTheLimitIs413) {
  auto http = service_.client();
  http.write_raw(
      "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk(64 * 1024, 'a');
  std::ostringstream size;
  size << std::hex << chunk.size();
  try {
    for (int i = 0; i < 20; ++i) http.write_raw(size.str() + "\r\n" + chunk + "\r\n");  // 1.25 MiB
  } catch (const boost::system::system_error&) {
    // The server may answer and close before everything is sent.
  }
  const auto result = http.read_response();
  EXPECT_EQ(result.status(), 413);
  EXPECT_EQ(result.error_code(), "body_too_large");
}

TEST_F(HttpLimits, TargetLongerThanTheHeaderLimitIs431) {
  auto http = service_.client();
  const auto result = http.get("/coffee/search?title=" + std::string(9000, 'a'));
  EXPECT_EQ(result.status(), 431);
  EXPECT_TRUE(http.closed_by_peer());
}

// Requests a proxy and this server could frame differently (request smuggling) are refused.
TEST_F(HttpLimits, AmbiguousBodyFramingIs400) {
  for (const std::string headers :
       {"Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: -1\r\n", "Content-Length: 5x\r\n", "Transfer-Encoding: gzip, chunked, identity\r\n"}) {
    auto http = service_.client();
    // What follows the headers must never be served as a request of its own.
    http.write_raw("POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + headers +
                   "\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto result = http.read_response();
    EXPECT_EQ(result.status(), 400) << headers;
    EXPECT_TRUE(http.closed_by_peer()) << headers;
  }
}

}  // namespace
}  // namespace coffeehouse::testing
