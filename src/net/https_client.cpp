#include "net/https_client.hpp"

#include "net/https_retry.hpp"
#include "net/https_tls.hpp"
#include "net/https_url.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <variant>

namespace coffeehouse::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Roomy for any JSON API's headers, small enough that a hostile server cannot make us buffer much.
constexpr std::uint32_t header_limit = 16 * 1024;
constexpr std::string_view user_agent = "coffeehouse/" COFFEEHOUSE_VERSION;

// The time a stage may take: its own timeout, cut short by the deadline of the whole call.
struct StageBudget {
  Clock::time_point expiry;
  bool cut_by_deadline;
};

class Deadline {
 public:
  explicit Deadline(milliseconds total) : total_(total), at_(Clock::now() + total) {}

  StageBudget stage(milliseconds timeout) const {
    const auto own_expiry = Clock::now() + timeout;
    return own_expiry < at_ ? StageBudget{own_expiry, false} : StageBudget{at_, true};
  }
  bool leaves_room_for(milliseconds wait) const { return Clock::now() + wait < at_; }
  milliseconds total() const { return total_; }

 private:
  milliseconds total_;
  Clock::time_point at_;
};

// Everything one attempt needs besides the URL; the attempt itself owns its socket and stream.
struct AttemptContext {
  const HttpsClientOptions& options;
  asio::ssl::context& tls;
  const Deadline& deadline;
};

HttpsError timeout_error(std::string_view stage, const HttpsTarget& target, const StageBudget& budget,
                         milliseconds stage_timeout, const Deadline& deadline) {
  const auto url = loggable_url(target);
  if (budget.cut_by_deadline) {
    return {HttpsErrorKind::timeout,
            "total deadline of " + std::to_string(deadline.total().count()) + " ms ran out during " +
                std::string{stage} + " for " + url,
            {}};
  }
  return {HttpsErrorKind::timeout,
          std::string{stage} + " for " + url + " timed out after " + std::to_string(stage_timeout.count()) + " ms",
          {}};
}

HttpsError stage_error(HttpsErrorKind kind, std::string_view what, const HttpsTarget& target,
                       const std::string& reason) {
  return {kind, std::string{what} + " " + loggable_url(target) + ": " + reason, {}};
}

asio::awaitable<boost::system::result<tcp::resolver::results_type, HttpsError>> resolve(const AttemptContext& context,
                                                                                        const HttpsTarget& target) {
  using namespace asio::experimental::awaitable_operators;
  const auto executor = co_await asio::this_coro::executor;
  const auto budget = context.deadline.stage(context.options.resolve_timeout);
  tcp::resolver resolver{executor};
  asio::steady_timer expiry{executor, budget.expiry};
  auto first_done =
      co_await (resolver.async_resolve(target.host, target.port, use_tuple) || expiry.async_wait(use_tuple));
  if (first_done.index() == 1) {
    co_return timeout_error("resolve", target, budget, context.options.resolve_timeout, context.deadline);
  }
  auto [error, endpoints] = std::get<0>(std::move(first_done));
  if (error) co_return stage_error(HttpsErrorKind::resolve, "cannot resolve the host of", target, error.message());
  co_return endpoints;
}

// One request on a fresh connection. Any status is a success here; the caller decides what
// redirects and retryable statuses mean.
asio::awaitable<HttpsResult> attempt(const AttemptContext& context, const HttpsTarget& target) {
  const auto& options = context.options;
  const auto endpoints = co_await resolve(context, target);
  if (!endpoints) co_return endpoints.error();

  TlsStream stream{co_await asio::this_coro::executor, context.tls};
  auto& tcp_layer = beast::get_lowest_layer(stream);
  if (const auto error = prepare_tls_stream(stream, target.host)) {
    co_return stage_error(HttpsErrorKind::tls, "cannot set up TLS for", target, error.message());
  }

  auto budget = context.deadline.stage(options.connect_timeout);
  tcp_layer.expires_at(budget.expiry);
  if (auto [error, endpoint] = co_await tcp_layer.async_connect(*endpoints, use_tuple); error) {
    if (error == beast::error::timeout) {
      co_return timeout_error("connect", target, budget, options.connect_timeout, context.deadline);
    }
    co_return stage_error(HttpsErrorKind::connect, "cannot connect to", target, error.message());
  }

  budget = context.deadline.stage(options.handshake_timeout);
  tcp_layer.expires_at(budget.expiry);
  if (auto [error] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple); error) {
    if (error == beast::error::timeout) {
      co_return timeout_error("TLS handshake", target, budget, options.handshake_timeout, context.deadline);
    }
    co_return stage_error(HttpsErrorKind::tls, "TLS handshake failed with", target,
                          describe_handshake_failure(stream, error));
  }

  http::request<http::empty_body> request{http::verb::get, target.request_target, 11};
  request.set(http::field::host, target.host_header);
  request.set(http::field::user_agent, user_agent);
  request.set(http::field::accept, "application/json");
  budget = context.deadline.stage(options.write_timeout);
  tcp_layer.expires_at(budget.expiry);
  if (auto [error, written] = co_await http::async_write(stream, request, use_tuple); error) {
    if (error == beast::error::timeout) {
      co_return timeout_error("sending the request", target, budget, options.write_timeout, context.deadline);
    }
    co_return stage_error(HttpsErrorKind::protocol, "cannot send the request to", target, error.message());
  }

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(header_limit);
  parser.body_limit(options.body_limit);
  budget = context.deadline.stage(options.read_timeout);
  tcp_layer.expires_at(budget.expiry);
  if (auto [error, read] = co_await http::async_read(stream, buffer, parser, use_tuple); error) {
    if (error == beast::error::timeout) {
      co_return timeout_error("reading the response", target, budget, options.read_timeout, context.deadline);
    }
    if (error == http::error::body_limit) {
      co_return HttpsError{HttpsErrorKind::too_large,
                           "the response from " + loggable_url(target) + " has a body over the limit of " +
                               std::to_string(options.body_limit) + " bytes",
                           {}};
    }
    co_return stage_error(HttpsErrorKind::protocol, "cannot read the response from", target, error.message());
  }

  // The response is complete: the close_notify exchange is a courtesy to the server, so it gets
  // a short budget and its failure (many servers just close the socket) changes nothing.
  tcp_layer.expires_at(context.deadline.stage(options.shutdown_timeout).expiry);
  if (auto [error] = co_await stream.async_shutdown(use_tuple); error) {
    spdlog::debug("TLS shutdown with {} ended with: {}", loggable_url(target), error.message());
  }

  auto message = parser.release();
  HttpsResponse response;
  response.status = message.result_int();
  response.body = std::move(message.body());
  response.headers = std::move(message.base());
  co_return response;
}

std::string status_line(unsigned status) {
  return std::to_string(status) + " " + std::string{http::obsolete_reason(static_cast<http::status>(status))};
}

HttpsError gave_up(const HttpsTarget& target, unsigned last_status, unsigned attempts, const std::string& why) {
  return {HttpsErrorKind::gave_up_after_retries,
          "gave up on " + loggable_url(target) + " after " + std::to_string(attempts) + " attempts (last answer " +
              status_line(last_status) + "): " + why,
          last_status};
}

milliseconds retry_wait(const HttpsResponse& response, unsigned retry_number, const HttpsClientOptions& options,
                        std::mt19937_64& jitter) {
  auto wait = backoff_delay(retry_number, options.backoff_base, options.backoff_cap, jitter);
  if (const auto header = response.headers.find(http::field::retry_after); header != response.headers.end()) {
    // The server's wish is a floor, never shortened by our own policy.
    if (const auto asked = parse_retry_after(header->value(), std::chrono::system_clock::now())) {
      wait = std::max(wait, *asked);
    }
  }
  return wait;
}

}  // namespace

HttpsClient::HttpsClient(HttpsClientOptions options)
    : options_(std::move(options)), tls_(make_client_tls_context(options_.extra_ca_file)) {}

asio::awaitable<HttpsResult> HttpsClient::get(std::string url) {
  const Deadline deadline{options_.total_deadline};
  auto target = parse_https_target(url);
  if (!target) co_return target.error();

  const AttemptContext context{options_, tls_, deadline};
  std::mt19937_64 jitter{std::random_device{}()};
  unsigned attempts = 0;
  unsigned retryable_answers = 0;  // of the current URL: a redirect starts a fresh count
  unsigned last_retryable_status = 0;
  unsigned redirects = 0;
  for (;;) {
    ++attempts;
    spdlog::debug("GET {} (attempt {})", loggable_url(*target), attempts);
    auto response = co_await attempt(context, *target);
    if (!response) {
      // A retry that runs out of time is still the end of a server failing us: say so, with
      // the status that started the retries.
      if (response.error().kind == HttpsErrorKind::timeout && retryable_answers > 0) {
        co_return gave_up(*target, last_retryable_status, retryable_answers + 1,
                          "the last attempt ran out of time: " + response.error().message);
      }
      co_return response.error();
    }
    response->attempts = attempts;
    response->final_url = target->url.buffer();

    if (is_redirect_status(response->status)) {
      const auto location = response->headers.find(http::field::location);
      if (location == response->headers.end()) co_return response;  // nothing to follow: the caller sees the 3xx
      if (++redirects > options_.max_redirects) {
        co_return HttpsError{HttpsErrorKind::too_many_redirects,
                             "more than " + std::to_string(options_.max_redirects) + " redirects, the last from " +
                                 loggable_url(*target),
                             response->status};
      }
      auto next = redirect_target(*target, location->value());
      if (!next) co_return next.error();
      spdlog::info("{} redirected ({}) to {}", loggable_url(*target), response->status, loggable_url(*next));
      target = std::move(next);
      retryable_answers = 0;
      continue;
    }

    if (!is_retryable_status(response->status)) co_return response;
    last_retryable_status = response->status;
    if (++retryable_answers >= options_.max_attempts) {
      co_return gave_up(*target, last_retryable_status, retryable_answers, "that is the attempt limit");
    }
    const auto wait = retry_wait(*response, retryable_answers, options_, jitter);
    if (!deadline.leaves_room_for(wait)) {
      co_return gave_up(*target, last_retryable_status, retryable_answers,
                        "waiting " + std::to_string(wait.count()) + " ms more would pass the total deadline of " +
                            std::to_string(options_.total_deadline.count()) + " ms");
    }
    spdlog::info("{} answered {}; retrying in {} ms (attempt {} of {})", loggable_url(*target),
                 status_line(response->status), wait.count(), retryable_answers + 1, options_.max_attempts);
    asio::steady_timer pause{co_await asio::this_coro::executor, wait};
    co_await pause.async_wait(use_tuple);
  }
}

}  // namespace coffeehouse::net
