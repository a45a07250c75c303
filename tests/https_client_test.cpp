#include "net/https_client.hpp"
#include "net/https_retry.hpp"
#include "net/https_url.hpp"
#include "support/test_certificates.hpp"
#include "support/tls_fixture_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

namespace coffeehouse::net {
namespace {

using namespace std::chrono_literals;
using test_support::never_answer;
using test_support::RecordedRequest;
using test_support::ScriptedResponse;
using test_support::test_pki;
using test_support::TlsFixtureServer;
using Clock = std::chrono::steady_clock;
using boost::beast::http::field;

// Deadlines of a few hundred milliseconds keep the suite fast; stage timeouts are generous so
// that only the deadline or the stage under test ever fires.
HttpsClientOptions fast_options() {
  HttpsClientOptions options;
  options.resolve_timeout = 2s;
  options.connect_timeout = 2s;
  options.handshake_timeout = 2s;
  options.write_timeout = 2s;
  options.read_timeout = 2s;
  options.shutdown_timeout = 200ms;
  options.total_deadline = 2s;
  options.backoff_base = 20ms;
  options.backoff_cap = 200ms;
  options.extra_ca_file = test_pki().authority_file;
  return options;
}

HttpsResult fetch(const HttpsClientOptions& options, const std::string& url) {
  HttpsClient client{options};
  return test_support::run_to_completion(client.get(url));
}

struct TimedResult {
  HttpsResult result;
  std::chrono::milliseconds elapsed;
};

// Times the call alone: building the client loads the system CA bundle, which is slow under
// sanitizers and not part of any deadline.
TimedResult timed_fetch(const HttpsClientOptions& options, const std::string& url) {
  HttpsClient client{options};
  const auto start = Clock::now();
  auto result = test_support::run_to_completion(client.get(url));
  return {std::move(result), std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)};
}

ScriptedResponse json_ok(std::string body = R"({"ok":true})") { return {200, std::move(body), {}, 0ms}; }

std::chrono::milliseconds between(const RecordedRequest& earlier, const RecordedRequest& later) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(later.received_at - earlier.received_at);
}

TEST(HttpsClient, GetsJsonWithHostUserAgentAndAcceptHeaders) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) { return json_ok(); }};

  const auto result = fetch(fast_options(), server.url("/api/thing?size=2"));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->status, 200U);
  EXPECT_EQ(result->body, R"({"ok":true})");
  EXPECT_EQ(result->attempts, 1U);
  EXPECT_EQ(result->headers[field::content_type], "application/json");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].target, "/api/thing?size=2");
  EXPECT_EQ(requests[0].host, "localhost:" + std::to_string(server.port()));
  EXPECT_EQ(requests[0].user_agent, "coffeehouse/" COFFEEHOUSE_VERSION);
  EXPECT_EQ(requests[0].accept, "application/json");
}

TEST(HttpsClient, VerifiesAnIpAddressAgainstTheCertificatesIpSan) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) { return json_ok(); }};

  const auto result = fetch(fast_options(), server.url("/", "127.0.0.1"));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->status, 200U);
}

TEST(HttpsClient, ReturnsMalformedJsonVerbatim) {
  const std::string malformed = R"({"blend_name": "Cascara", "notes": [unterminated)";
  TlsFixtureServer server{test_pki().localhost, [&](const RecordedRequest&) { return json_ok(malformed); }};

  const auto result = fetch(fast_options(), server.url("/"));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->body, malformed);
}

TEST(HttpsClient, ReturnsOther4xxToTheCallerWithoutRetrying) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) {
                            return ScriptedResponse{422, R"({"error":"size"})", {}, 0ms};
                          }};

  const auto result = fetch(fast_options(), server.url("/"));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->status, 422U);
  EXPECT_EQ(result->body, R"({"error":"size"})");
  EXPECT_EQ(server.requests().size(), 1U);
}

TEST(HttpsClient, RetriesA429AfterWaitingAtLeastRetryAfter) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest& request) {
                            if (request.sequence == 0)
                              return ScriptedResponse{429, "{}", {{field::retry_after, "1"}}, 0ms};
                            return json_ok();
                          }};
  auto options = fast_options();
  options.total_deadline = 3s;

  const auto result = fetch(options, server.url("/"));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->status, 200U);
  EXPECT_EQ(result->attempts, 2U);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_GE(between(requests[0], requests[1]), 1000ms);
}

TEST(HttpsClient, GivesUpAtOnceWhenRetryAfterReachesPastTheDeadline) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) {
                            return ScriptedResponse{503, "{}", {{field::retry_after, "120"}}, 0ms};
                          }};
  auto options = fast_options();
  options.total_deadline = 500ms;

  const auto [result, elapsed] = timed_fetch(options, server.url("/"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::gave_up_after_retries);
  EXPECT_EQ(result.error().last_status, 503U);
  EXPECT_LT(elapsed, 400ms) << "it waited instead of giving up";
  EXPECT_EQ(server.requests().size(), 1U);
}

TEST(HttpsClient, Retries500WithGrowingBackoffUntilA200) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest& request) {
                            return request.sequence < 3 ? ScriptedResponse{500, "{}", {}, 0ms} : json_ok();
                          }};
  auto options = fast_options();
  options.backoff_base = 40ms;
  options.backoff_cap = 1s;

  const auto result = fetch(options, server.url("/"));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->status, 200U);
  EXPECT_EQ(result->attempts, 4U);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4U);
  // Equal jitter waits between half and all of 40, 80, 160 ms: each gap has a floor, and the
  // third is longer than the first could ever be.
  const auto first_gap = between(requests[0], requests[1]);
  const auto second_gap = between(requests[1], requests[2]);
  const auto third_gap = between(requests[2], requests[3]);
  EXPECT_GE(first_gap, 20ms);
  EXPECT_GE(second_gap, 40ms);
  EXPECT_GE(third_gap, 80ms);
  EXPECT_GT(third_gap, first_gap);
}

TEST(HttpsClient, GivesUpAfterMaxAttemptsOfPersistent500) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) {
                            return ScriptedResponse{500, "{}", {}, 0ms};
                          }};
  auto options = fast_options();
  options.max_attempts = 3;

  const auto result = fetch(options, server.url("/flaky"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::gave_up_after_retries);
  EXPECT_EQ(result.error().last_status, 500U);
  EXPECT_NE(result.error().message.find("after 3 attempts"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("500 Internal Server Error"), std::string::npos) << result.error().message;
  EXPECT_EQ(server.requests().size(), 3U);
}

TEST(HttpsClient, GivesUpOnPersistent500WithinTheDeadline) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) {
                            return ScriptedResponse{500, "{}", {}, 0ms};
                          }};
  auto options = fast_options();
  options.max_attempts = 1000;
  options.backoff_base = 30ms;
  options.total_deadline = 400ms;

  const auto [result, elapsed] = timed_fetch(options, server.url("/down"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::gave_up_after_retries);
  EXPECT_NE(result.error().message.find("deadline"), std::string::npos) << result.error().message;
  // The last attempt may run into the deadline itself; it is cut off there.
  EXPECT_LE(elapsed, 450ms);
  EXPECT_GE(server.requests().size(), 3U);
}

TEST(HttpsClient, TimesOutNearTheDeadlineWhenTheServerHangs) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) {
                            return ScriptedResponse{200, "{}", {}, never_answer};
                          }};
  auto options = fast_options();
  options.total_deadline = 300ms;

  const auto [result, elapsed] = timed_fetch(options, server.url("/slow"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::timeout);
  EXPECT_NE(result.error().message.find("deadline"), std::string::npos) << result.error().message;
  EXPECT_GE(elapsed, 290ms);
  EXPECT_LT(elapsed, 600ms);
}

TEST(HttpsClient, StageTimeoutFiresBeforeTheDeadline) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) {
                            return ScriptedResponse{200, "{}", {}, never_answer};
                          }};
  auto options = fast_options();
  options.read_timeout = 150ms;

  const auto [result, elapsed] = timed_fetch(options, server.url("/slow"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::timeout);
  EXPECT_NE(result.error().message.find("reading the response"), std::string::npos) << result.error().message;
  EXPECT_LT(elapsed, 1s);
}

TEST(HttpsClient, FollowsARelativeRedirect) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest& request) {
                            if (request.target == "/api/old/path") {
                              return ScriptedResponse{302, "", {{field::location, "../new?size=3"}}, 0ms};
                            }
                            return json_ok();
                          }};

  const auto result = fetch(fast_options(), server.url("/api/old/path"));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->status, 200U);
  EXPECT_EQ(result->final_url, server.url("/api/new?size=3"));
  EXPECT_EQ(result->attempts, 2U);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[1].target, "/api/new?size=3");
}

TEST(HttpsClient, FollowsAnAbsoluteRedirect) {
  std::atomic<std::uint16_t> port{0};
  TlsFixtureServer server{test_pki().localhost, [&port](const RecordedRequest& request) {
                            if (request.target == "/start") {
                              const auto location = "https://localhost:" + std::to_string(port.load()) + "/final";
                              return ScriptedResponse{308, "", {{field::location, location}}, 0ms};
                            }
                            return json_ok();
                          }};
  port = server.port();

  const auto result = fetch(fast_options(), server.url("/start"));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->final_url, server.url("/final"));
}

TEST(HttpsClient, StopsARedirectLoopAsTooManyRedirects) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) {
                            return ScriptedResponse{302, "", {{field::location, "/loop"}}, 0ms};
                          }};
  auto options = fast_options();
  options.max_redirects = 3;

  const auto result = fetch(options, server.url("/loop"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::too_many_redirects);
  EXPECT_EQ(server.requests().size(), 4U);
}

TEST(HttpsClient, RefusesARedirectToPlainHttp) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) {
                            return ScriptedResponse{301, "", {{field::location, "http://localhost/insecure"}}, 0ms};
                          }};

  const auto result = fetch(fast_options(), server.url("/"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::insecure_redirect);
  EXPECT_EQ(server.requests().size(), 1U);
}

TEST(HttpsClient, RefusesACertificateForAnotherName) {
  TlsFixtureServer server{test_pki().other_name, [](const RecordedRequest&) { return json_ok(); }};

  const auto result = fetch(fast_options(), server.url("/"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::tls);
  EXPECT_NE(result.error().message.find("hostname mismatch"), std::string::npos) << result.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpsClient, RefusesAServerWhoseCaIsNotTrusted) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) { return json_ok(); }};
  auto options = fast_options();
  options.extra_ca_file.clear();

  const auto result = fetch(options, server.url("/"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::tls);
  EXPECT_NE(result.error().message.find("certificate verify failed"), std::string::npos) << result.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpsClient, RejectsABodyOverTheLimit) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest&) { return json_ok(std::string(4096, 'x')); }};
  auto options = fast_options();
  options.body_limit = 1024;

  const auto result = fetch(options, server.url("/big"));

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::too_large);
  EXPECT_NE(result.error().message.find("1024"), std::string::npos) << result.error().message;
}

TEST(HttpsClient, ReportsAConnectFailureWhenNothingListens) {
  std::string url;
  {
    TlsFixtureServer closed_again{test_pki().localhost, [](const RecordedRequest&) { return json_ok(); }};
    url = closed_again.url("/", "127.0.0.1");
  }

  const auto result = fetch(fast_options(), url);

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::connect);
}

TEST(HttpsClient, RejectsAUrlThatIsNotHttps) {
  const auto result = fetch(fast_options(), "http://localhost/api");

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, HttpsErrorKind::invalid_url);
  EXPECT_THROW(static_cast<void>(result.value()), std::runtime_error);
}

TEST(HttpsClient, RefusesToStartWithAMissingExtraCaFile) {
  auto options = fast_options();
  options.extra_ca_file = "/nonexistent/ca.pem";

  EXPECT_THROW(HttpsClient{options}, std::runtime_error);
}

TEST(HttpsRetry, RetriesOnly429And5xx) {
  EXPECT_TRUE(is_retryable_status(429));
  EXPECT_TRUE(is_retryable_status(500));
  EXPECT_TRUE(is_retryable_status(503));
  EXPECT_FALSE(is_retryable_status(404));
  EXPECT_FALSE(is_retryable_status(200));
  EXPECT_FALSE(is_retryable_status(302));
}

TEST(HttpsRetry, BackoffStaysWithinEqualJitterBoundsAndIsCapped) {
  std::mt19937_64 random{7};
  for (int round = 0; round < 200; ++round) {
    EXPECT_GE(backoff_delay(1, 100ms, 1s, random), 50ms);
    EXPECT_LE(backoff_delay(1, 100ms, 1s, random), 100ms);
    EXPECT_GE(backoff_delay(3, 100ms, 1s, random), 200ms);
    EXPECT_LE(backoff_delay(3, 100ms, 1s, random), 400ms);
    EXPECT_GE(backoff_delay(40, 100ms, 1s, random), 500ms);
    EXPECT_LE(backoff_delay(40, 100ms, 1s, random), 1s);
  }
}

TEST(HttpsRetry, ParsesRetryAfterAsSecondsOrHttpDate) {
  const auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parse_retry_after("120", now), 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), 30s);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), 0s);
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("12abc", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
}

TEST(HttpsUrl, SplitsAnHttpsUrlIntoWhatTheRequestNeeds) {
  const auto target = parse_https_target("https://user:secret@api.example.com:8443/v1/coffee?size=10#top");

  ASSERT_TRUE(target) << target.error().message;
  EXPECT_EQ(target->host, "api.example.com");
  EXPECT_EQ(target->port, "8443");
  EXPECT_EQ(target->host_header, "api.example.com:8443");
  EXPECT_EQ(target->request_target, "/v1/coffee?size=10");
  EXPECT_EQ(loggable_url(*target), "https://api.example.com:8443/v1/coffee");
}

TEST(HttpsUrl, DefaultsThePortAndThePath) {
  const auto target = parse_https_target("https://example.com");

  ASSERT_TRUE(target) << target.error().message;
  EXPECT_EQ(target->port, "443");
  EXPECT_EQ(target->host_header, "example.com");
  EXPECT_EQ(target->request_target, "/");
}

TEST(HttpsUrl, ResolvesRedirectLocations) {
  const auto from = parse_https_target("https://example.com/api/coffee/random?size=2");
  ASSERT_TRUE(from);
  const auto follow = [&from](std::string_view location) {
    const auto next = redirect_target(*from, location);
    return next ? std::string{next->url.buffer()} : "error: " + next.error().message;
  };

  EXPECT_EQ(follow("other"), "https://example.com/api/coffee/other");
  EXPECT_EQ(follow("/root?x=1"), "https://example.com/root?x=1");
  EXPECT_EQ(follow("//cdn.example.com/x"), "https://cdn.example.com/x");
  const auto insecure = redirect_target(*from, "http://example.com/");
  ASSERT_FALSE(insecure);
  EXPECT_EQ(insecure.error().kind, HttpsErrorKind::insecure_redirect);
}

}  // namespace
}  // namespace coffeehouse::net
