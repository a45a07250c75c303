// net::write_response on its own, over a loopback connection whose buffers are kept small: the
// session's first send is made at once, without waiting, and what the socket did not take is
// written afterwards. No server, no database.
#include "net/session.hpp"

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/parser.hpp>

#include <optional>
#include <string>
#include <tuple>

namespace coffeehouse::testing {
namespace {

namespace asio = boost::asio;
namespace http = net::http;
using asio::ip::tcp;

// A connected pair: `server` as the session gets it, `client` with a small receive buffer.
struct Connection {
  explicit Connection(asio::io_context& io) : client(io) {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    client.open(tcp::v4());
    client.set_option(tcp::socket::receive_buffer_size(4096));
    client.connect(acceptor.local_endpoint());
    auto accepted = acceptor.accept();
    // Set explicitly, the send buffer stays small (the kernel no longer sizes it to the traffic).
    accepted.set_option(tcp::socket::send_buffer_size(4096));
    server.emplace(net::client_stream(std::move(accepted)));
  }
  tcp::socket client;
  std::optional<boost::beast::tcp_stream> server;
};

net::Response large_response(std::size_t body_bytes) {
  net::Response response(http::status::ok, 11);
  std::string body(body_bytes, ' ');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

TEST(ResponseWrite, WhatTheSocketDoesNotTakeAtOnceIsWrittenAfterwardsAndArrivesWhole) {
  asio::io_context io;
  Connection connection(io);
  const auto response = large_response(1 << 20);
  std::optional<std::tuple<boost::system::error_code, std::size_t>> written;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        written = co_await net::write_response(*connection.server, response);
        connection.server->socket().shutdown(tcp::socket::shutdown_send);  // ends the client's read
      },
      asio::detached);
  // The first send returns with what fitted (a blocking one would never return here: nobody
  // reads yet), and the rest waits for room.
  io.poll();
  ASSERT_FALSE(written.has_value());

  std::string received;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto [ec, bytes] = co_await asio::async_read(connection.client, asio::dynamic_buffer(received),
                                                     asio::as_tuple(asio::use_awaitable));
        (void)bytes;
        EXPECT_EQ(ec, asio::error::eof);
      },
      asio::detached);
  io.run();

  ASSERT_TRUE(written.has_value());
  EXPECT_FALSE(std::get<0>(*written));
  EXPECT_EQ(std::get<1>(*written), received.size());
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(asio::buffer(received), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.get().body(), response.body());
}

TEST(ResponseWrite, AnAnswerThatFitsIsSentBeforeTheCoroutineEverWaits) {
  asio::io_context io;
  Connection connection(io);
  const auto response = large_response(100);
  std::optional<std::tuple<boost::system::error_code, std::size_t>> written;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { written = co_await net::write_response(*connection.server, response); },
      asio::detached);
  io.poll();
  ASSERT_TRUE(written.has_value());
  EXPECT_FALSE(std::get<0>(*written));
  std::string received(std::get<1>(*written), '\0');
  asio::read(connection.client, asio::buffer(received));
  EXPECT_TRUE(received.ends_with(response.body()));
}

}  // namespace
}  // namespace coffeehouse::testing
