#pragma once
// One HTTP/1.1 connection: read a request, hand it to the request handler, write the response,
// repeat while keep-alive. The session knows nothing about routes or the database; it leaves the
// body out of every answer to HEAD.
#include "net/http.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <tuple>

namespace coffeehouse::net {

struct SessionLimits {
  std::uint32_t header_limit = 8 * 1024;
  std::uint64_t body_limit = 1024 * 1024;
  // Bounds the whole read of one request (headers and body) from its first byte, so a client
  // that trickles bytes is cut off.
  std::chrono::milliseconds read_timeout{10'000};
  // How long a connection may wait for the first byte of its next request.
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds write_timeout{10'000};
  // Lingering close (RFC 9112 §9.6) after an answer sent before the request was read whole (413,
  // 431, 400): how long, and how many bytes, the session goes on reading and discarding what the
  // client still sends before it closes. Enough for a client that writes a body of several MiB
  // before it reads to get the answer; bounded, so that no client holds a connection with it.
  std::chrono::milliseconds linger_timeout{2'000};
  std::uint64_t linger_bytes = 16 * 1024 * 1024;
};

// What the session calls for every request it reads: a whole request in, its response out. (The
// router calls a RouteHandler per route, router.hpp.)
using RequestHandler = std::function<boost::asio::awaitable<Response>(const Request&)>;

// The process-wide cap on client connections, shared by every io thread (one atomic
// add per connection, never per request).
class ConnectionBudget {
 public:
  explicit ConnectionBudget(std::size_t max) : max_(max) {}
  bool try_take() noexcept {
    if (open_.fetch_add(1, std::memory_order_relaxed) < max_) return true;
    open_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  void give_back() noexcept { open_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  std::atomic<std::size_t> open_{0};
  std::size_t max_;
};

// What the sessions of one io thread know of a shutdown: once draining, no connection is kept
// alive after its current answer. Ending the idle ones is cancellation's job (net/task_group.hpp,
// serve_connection). Single-threaded: touched only from its own io_context.
class SessionRegistry {
 public:
  void drain() noexcept { draining_ = true; }
  bool draining() const noexcept { return draining_; }

 private:
  bool draining_ = false;
};

// Serves one connection that holds a place in `budget`, and gives the place back at the end.
// Cancellation (a shutdown, net/task_group.hpp): total ends a connection idle between requests,
// terminal also one in the middle of a request (after the shutdown's grace); the frame then runs
// to its end like any other.
boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket, const RequestHandler& handler,
                                              const SessionLimits& limits, SessionRegistry& registry,
                                              ConnectionBudget& budget);

// A client's socket as the session uses it: non-blocking, so that write_response can send without
// waiting for room.
boost::beast::tcp_stream client_stream(boost::asio::ip::tcp::socket socket);

// Sends `response` (the head and, unless with_body is false, the body): at once as far as the
// socket takes it, the rest asynchronously under the stream's timeout. The stream must come from
// client_stream. Returns the error, if any, and the bytes sent.
boost::asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write_response(
    boost::beast::tcp_stream& stream, const Response& response, bool with_body = true);

// Answers 503 and closes: for connections beyond the budget.
boost::asio::awaitable<void> refuse_connection(boost::asio::ip::tcp::socket socket);

}  // namespace coffeehouse::net
