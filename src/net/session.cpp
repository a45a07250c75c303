#include "net/session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/http/read.hpp>

#include <array>
#include <tuple>

namespace coffeehouse::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// What the first read of a request asks for: a typical request fits, a larger one grows the
// buffer as it is read. Every connection keeps this much, so it counts at thousands of them.
constexpr std::size_t first_read_bytes = 1024;
// Reads of a lingering close: large, since they discard a body (and the connection is closing).
constexpr std::size_t linger_read_bytes = 64 * 1024;

namespace {

// Beast's examples drop the connection on a parse error; clients deserve to know why.
Response parse_error_response(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) {
    return error_response(http::status::payload_too_large, "body_too_large", "the request body exceeds the limit");
  }
  if (ec == http::error::header_limit) {
    return error_response(http::status::request_header_fields_too_large, "headers_too_large",
                          "the request headers exceed the limit");
  }
  return error_response(http::status::bad_request, "bad_request", "the request is not valid HTTP/1.1: " + ec.message());
}

// Parses the request bytes the buffer already holds (all of a typical request arrives with the
// first read), as Beast's read does, but without its trip through the io_context for a request
// that needs no more reading. need_more when the request is not all here yet; any other error
// is the one Beast's read would give.
boost::system::error_code parse_buffered(http::request_parser<http::string_body>& parser, beast::flat_buffer& buffer) {
  parser.eager(true);  // the body too, as far as it has arrived, as http::read does
  boost::system::error_code ec;
  while (buffer.size() > 0 && !parser.is_done()) {
    const auto used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec) return ec;
    if (used == 0) break;
  }
  return parser.is_done() ? boost::system::error_code{} : boost::system::error_code(http::error::need_more);
}

// Whether a request that could not be read was a HEAD, whose answer must have no body. Beast
// parses the request line as soon as it is whole only on its first look at the bytes; once it
// has asked for more it waits for the end of the header. So a request line longer than the
// first read, in a header that never ends, is left unparsed: the answer would carry a body the
// client does not expect. A fresh parser given all the buffered bytes at once reads it.
bool unread_request_was_head(const http::request_parser<http::string_body>& parser, const beast::flat_buffer& buffer,
                             const SessionLimits& limits) {
  if (!parser.get().method_string().empty()) return parser.get().method() == http::verb::head;
  http::request_parser<http::string_body> start_line;
  start_line.header_limit(limits.header_limit);
  boost::system::error_code ignored;
  start_line.put(buffer.data(), ignored);
  return start_line.get().method() == http::verb::head;
}

// Closing a socket with unread input makes the kernel reset the connection, and a reset can
// overtake the answer: a client still writing its body (as Python's urllib does before it reads)
// gets EPIPE or ECONNRESET instead of the 413. So, as RFC 9112 §9.6 says: half-close, read and
// discard until the client closes too (by then it has the answer), then close; within
// limits, so that a client that goes on sending, or never closes, is cut off all the same.
asio::awaitable<void> linger_close(beast::tcp_stream& stream, beast::flat_buffer& buffer, const SessionLimits& limits) {
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  // The deadline bounds the whole drain; reads go into the connection's buffer, never committed.
  stream.expires_after(limits.linger_timeout);
  buffer.clear();
  const auto discard = buffer.prepare(linger_read_bytes);
  std::uint64_t drained = 0;
  while (drained < limits.linger_bytes) {
    auto [ec, bytes] = co_await stream.async_read_some(discard, use_tuple);
    if (ec) break;  // the client closed (end of stream), reset, or the time is up
    drained += bytes;
  }
}

}  // namespace

// The head and the body in one gather write: one sendmsg, and no copy of the body. An answer to
// HEAD is the head alone, Content-Length still the body's (RFC 9110 §9.3.2).
//
// Most answers fit in the socket's send buffer, so the first send is made here, on the
// non-blocking socket (the session sets it so), and only what the kernel did not take is written
// asynchronously, under the stream's write timeout. Asio's async_write would make the same first
// send, but completes through the io_context: an operation allocated, the timeout armed in the
// timer queue and cancelled again, two handlers run and the coroutine resumed, per answer, on
// state that is cold when thousands of connections take turns (issue #19).
asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write_response(beast::tcp_stream& stream,
                                                                                   const Response& response,
                                                                                   bool with_body) {
  const auto head = serialized_head(response);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                                  with_body ? asio::buffer(response.body()) : asio::const_buffer()};
  boost::system::error_code ec;
  const auto sent = stream.socket().write_some(buffers, ec);
  if (ec == asio::error::would_block) {
    ec = {};
  } else if (ec || sent == asio::buffer_size(buffers)) {
    co_return std::tuple{ec, sent};
  }
  beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
  rest.consume(sent);
  auto [rest_error, rest_sent] = co_await asio::async_write(stream, rest, use_tuple);
  co_return std::tuple{rest_error, sent + rest_sent};
}

// A client's socket, non-blocking for write_response's first send: would_block instead of a wait
// for room in the send buffer, which would block the io thread. (Asio makes the descriptor
// non-blocking for its own operations anyway; this says so to its synchronous ones too.)
beast::tcp_stream client_stream(asio::ip::tcp::socket socket) {
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  return beast::tcp_stream(std::move(socket));
}

asio::awaitable<void> refuse_connection(asio::ip::tcp::socket socket) {
  auto stream = client_stream(std::move(socket));
  auto response = error_response(http::status::service_unavailable, "too_many_connections",
                                 "the server is at its connection limit; retry shortly");
  response.set(http::field::retry_after, "1");
  response.keep_alive(false);
  stream.expires_after(std::chrono::seconds(1));
  (void)co_await write_response(stream, response);
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, const RequestHandler& handler,
                                       const SessionLimits& limits, SessionRegistry& registry,
                                       ConnectionBudget& budget) {
  struct BudgetPlace {
    ConnectionBudget& budget;
    ~BudgetPlace() { budget.give_back(); }
  } place{budget};
  auto stream = client_stream(std::move(socket));
  beast::flat_buffer buffer;
  bool linger = false;
  // A cancelled operation completes with operation_aborted like any other error; nothing throws.
  co_await asio::this_coro::throw_if_cancelled(false);

  for (;;) {
    // Between requests a connection may idle for idle_timeout; once a request has begun, all
    // of it must arrive within read_timeout. (Pipelined bytes already buffered skip the wait.)
    if (buffer.size() == 0) {
      // A shutdown that began while this session was busy found it deaf to total cancellation.
      if (registry.draining()) break;
      // Idle, a connection ends on total cancellation (a shutdown begins); while it serves a
      // request only terminal cancellation (the shutdown's grace is over) reaches what the
      // request waits for: the database, the admission line, the write.
      co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
      stream.expires_after(limits.idle_timeout);
      auto [idle_error, first_bytes] = co_await stream.async_read_some(buffer.prepare(first_read_bytes), use_tuple);
      co_await asio::this_coro::reset_cancellation_state(asio::enable_terminal_cancellation());
      if (idle_error) break;
      buffer.commit(first_bytes);
    }
    // A fresh parser per request: limits and the deadline are set before every read.
    http::request_parser<http::string_body> parser;
    parser.header_limit(limits.header_limit);
    parser.body_limit(limits.body_limit);
    auto read_error = parse_buffered(parser, buffer);
    if (read_error == http::error::need_more) {
      stream.expires_after(limits.read_timeout);
      std::tie(read_error, std::ignore) = co_await http::async_read(stream, buffer, parser, use_tuple);
    }
    if (!read_error && !parser.chunked() && parser.get().count(http::field::transfer_encoding) > 0) {
      // RFC 9112 §6.3: without chunked as the final coding a request's length is unknowable.
      // Beast reads such a request as bodiless and would serve its body as the next request
      // (request smuggling); refuse it and close instead.
      read_error = http::error::bad_transfer_encoding;
    }

    Response response;
    bool keep_alive = false;
    if (read_error == http::error::end_of_stream || read_error == beast::error::timeout ||
        read_error == asio::error::operation_aborted || read_error == asio::error::connection_reset) {
      break;  // the client left, idled out, or we are shutting down: nothing to answer
    }
    const auto started = std::chrono::steady_clock::now();
    // A parse error's answer to HEAD has no body either.
    const bool head_only =
        read_error ? unread_request_was_head(parser, buffer, limits) : parser.get().method() == http::verb::head;
    std::string method, target;
    if (read_error) {
      response = parse_error_response(read_error);
    } else {
      auto request = parser.release();
      method = request.method_string();
      target = request.target();
      try {
        response = co_await handler(request);
      } catch (const std::exception& error) {
        // A handler bug must cost one request, not the connection or the process.
        spdlog::error("unhandled error in {} {}: {}", method, target, error.what());
        response = error_response(http::status::internal_server_error, "internal_error", "an internal error occurred");
      }
      keep_alive = request.keep_alive() && !registry.draining();
      response.version(request.version());
    }
    response.keep_alive(keep_alive);
    const auto body_bytes = head_only ? 0 : response.body().size();
    const auto status = response.result_int();

    stream.expires_after(limits.write_timeout);
    auto [write_error, bytes_written] = co_await write_response(stream, response, !head_only);
    const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    spdlog::info("{} {} {} {:.2f}ms {}B", method.empty() ? "-" : method, target.empty() ? "-" : target, status,
                 elapsed.count(), body_bytes);
    if (write_error || !keep_alive) {
      // An answer to a request the session could not read whole: the rest may still be coming.
      linger = read_error && !write_error;
      break;
    }
  }

  if (linger) {
    co_await linger_close(stream, buffer, limits);
  } else {
    boost::system::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }
}

}  // namespace coffeehouse::net
