#include "support/http_client.hpp"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include <array>

namespace coffeehouse::testing {

namespace asio = boost::asio;

boost::json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(message.body(), ec);
  EXPECT_FALSE(ec) << "body is not JSON: " << message.body();
  return value;
}

std::string HttpResult::error_code() const {
  const auto value = json();
  if (!value.is_object() || !value.as_object().contains("error")) return "<no error object: " + message.body() + ">";
  return std::string(value.at("error").at("code").as_string());
}

HttpClient::HttpClient(std::uint16_t port) : socket_(io_) {
  socket_.connect({asio::ip::make_address("127.0.0.1"), port});
}

HttpResult HttpClient::get(std::string_view target) {
  http::request<http::string_body> request{http::verb::get, target, 11};
  return send(std::move(request));
}

HttpResult HttpClient::post_json(std::string_view target, std::string_view body) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::content_type, "application/json");
  request.body() = std::string(body);
  return send(std::move(request));
}

HttpResult HttpClient::send(http::request<http::string_body> request) {
  request.set(http::field::host, "127.0.0.1");
  request.prepare_payload();
  http::write(socket_, request);
  return read(request.method() == http::verb::head);
}

HttpResult HttpClient::head(std::string_view target) {
  return send(http::request<http::string_body>{http::verb::head, target, 11});
}

void HttpClient::write_raw(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes.data(), bytes.size())); }

void HttpClient::finish_writing() { socket_.shutdown(asio::ip::tcp::socket::shutdown_send); }

namespace {

// Runs one started async operation to completion or until the timeout, so a server that
// never answers fails the test instead of hanging it.
boost::system::error_code finish_within(asio::io_context& io, asio::ip::tcp::socket& socket,
                                        const boost::system::error_code& result, const bool& done) {
  io.restart();
  io.run_for(std::chrono::seconds(10));
  if (!done) {
    socket.cancel();
    io.restart();
    io.run();
    ADD_FAILURE() << "no answer from the server within 10 s";
    return asio::error::timed_out;
  }
  return result;
}

}  // namespace

HttpResult HttpClient::read_response() { return read(false); }

HttpResult HttpClient::read(bool header_only) {
  http::response_parser<http::string_body> parser;
  // An answer to HEAD has no body, and its Content-Length is the GET's (RFC 9112 §6.3).
  parser.skip(header_only);
  boost::system::error_code ec;
  bool done = false;
  http::async_read(socket_, buffer_, parser, [&](boost::system::error_code read_ec, std::size_t) {
    ec = read_ec;
    done = true;
  });
  if (const auto error = finish_within(io_, socket_, ec, done)) throw boost::system::system_error(error);
  return HttpResult{parser.release()};
}

bool HttpClient::closed_by_peer() {
  char byte = 0;
  boost::system::error_code ec;
  bool done = false;
  socket_.async_read_some(asio::buffer(&byte, 1), [&](boost::system::error_code read_ec, std::size_t) {
    ec = read_ec;
    done = true;
  });
  const auto error = finish_within(io_, socket_, ec, done);
  return error == asio::error::eof || error == asio::error::connection_reset;
}

std::string HttpClient::read_until_closed() {
  std::string bytes(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.clear();
  for (;;) {
    std::array<char, 4096> chunk{};
    boost::system::error_code ec;
    std::size_t received = 0;
    bool done = false;
    socket_.async_read_some(asio::buffer(chunk), [&](boost::system::error_code read_ec, std::size_t n) {
      ec = read_ec;
      received = n;
      done = true;
    });
    const auto error = finish_within(io_, socket_, ec, done);
    bytes.append(chunk.data(), received);
    if (error) return bytes;
  }
}

}  // namespace coffeehouse::testing
