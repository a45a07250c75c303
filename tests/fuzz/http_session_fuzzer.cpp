// The request path from the first byte: serve_connection (a fresh Beast parser per request with
// the session's limits, the answers to parse errors, keep-alive, pipelining) over a socket pair,
// with the real router and handlers behind it. The input is what a client sends before it
// shuts down its side; whatever comes back must be well-formed HTTP answers the API promises.
#include "offline_app.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>

#include <sys/socket.h>

#include <cstdint>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using coffeehouse::fuzz::require;

// The methods of the requests in `input`, in order, as the session reads them: up to the first it
// cannot read, whose method is known when its request line was read. An answer to HEAD is a
// header alone (whatever its Content-Length says), so the answers can be split only knowing them.
std::vector<http::verb> request_methods(std::string_view input, const coffeehouse::net::SessionLimits& limits) {
  std::vector<http::verb> methods;
  while (!input.empty()) {
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.header_limit(limits.header_limit);
    parser.body_limit(limits.body_limit);
    boost::system::error_code ec;
    const auto used = parser.put(asio::buffer(input.data(), input.size()), ec);
    methods.push_back(parser.get().method());
    if (ec || !parser.is_done()) break;
    input.remove_prefix(used);
  }
  return methods;
}

// Splits what the server sent into responses; each must parse whole and keep the API's promises.
void require_well_formed_answers(std::string_view answers, const std::vector<http::verb>& methods) {
  bool connection_closed = false;
  for (std::size_t index = 0; !answers.empty(); ++index) {
    require(!connection_closed, "an answer after one that closed the connection");
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(boost::none);
    const bool to_head = index < methods.size() && methods[index] == http::verb::head;
    parser.skip(to_head);
    boost::system::error_code ec;
    const auto used = parser.put(asio::buffer(answers.data(), answers.size()), ec);
    require(!ec && parser.is_done(), "the server sent something that is not a whole HTTP response");
    answers.remove_prefix(used);
    const auto& response = parser.get();
    // An answer to HEAD leaves out the body that the API's promises are about; its length stays.
    if (to_head) {
      require(response.has_content_length(), "an answer to HEAD without Content-Length");
    } else {
      coffeehouse::fuzz::require_api_answer(response);
    }
    connection_closed = !response.keep_alive();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static coffeehouse::fuzz::OfflineApp app;
  static const coffeehouse::net::SessionLimits limits;
  static coffeehouse::net::SessionRegistry registry;
  static coffeehouse::net::ConnectionBudget budget(1);

  int ends[2];
  require(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0, "socketpair");
  // The session only reads, writes and shuts down: a Unix socket behaves as TCP would here.
  asio::ip::tcp::socket server(app.io());
  server.assign(asio::ip::tcp::v4(), ends[0]);
  asio::local::stream_protocol::socket client(app.io());
  client.assign(asio::local::stream_protocol(), ends[1]);

  require(budget.try_take(), "connection budget");
  asio::co_spawn(app.io(),
                 coffeehouse::net::serve_connection(std::move(server), app.handler(), limits, registry, budget),
                 asio::detached);
  std::string answers;
  asio::co_spawn(
      app.io(),
      [&]() -> asio::awaitable<void> {
        // The server may answer and close before it has read everything (e.g. 431, 413).
        boost::system::error_code ec;
        co_await asio::async_write(client, asio::buffer(data, size), asio::redirect_error(asio::use_awaitable, ec));
        client.shutdown(asio::socket_base::shutdown_send, ec);
        co_await asio::async_read(client, asio::dynamic_buffer(answers), asio::redirect_error(asio::use_awaitable, ec));
      },
      asio::detached);
  app.io().run();
  app.io().restart();
  require_well_formed_answers(answers, request_methods({reinterpret_cast<const char*>(data), size}, limits));
  return 0;
}
