#pragma once
// A small blocking HTTP/1.1 client over a real socket, for driving the server in tests.
// One instance is one connection, so keep-alive and pipelining can be observed.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace coffeehouse::testing {

namespace http = boost::beast::http;

struct HttpResult {
  http::response<http::string_body> message;

  unsigned status() const { return message.result_int(); }
  const std::string& body() const { return message.body(); }
  boost::json::value json() const;  // parses the body; fails the test on invalid JSON
  std::string error_code() const;   // body.error.code
  std::string header(std::string_view name) const { return std::string(message[name]); }
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port);

  HttpResult get(std::string_view target);
  HttpResult post_json(std::string_view target, std::string_view body);
  HttpResult send(http::request<http::string_body> request);
  // HEAD: the answer is read as a header alone, whatever its Content-Length says.
  HttpResult head(std::string_view target);

  // Raw bytes for malformed, pipelined or trickled requests; read_response parses one reply.
  void write_raw(std::string_view bytes);
  // Half-closes the connection: the server reads end-of-stream after what was written.
  void finish_writing();
  HttpResult read_response();
  // True when the server has closed the connection (the next read sees EOF or a reset).
  bool closed_by_peer();
  // Every byte the server sends until it closes the connection, unparsed.
  std::string read_until_closed();

 private:
  HttpResult read(bool header_only);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace coffeehouse::testing
