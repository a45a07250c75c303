#include "support/tls_fixture_server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace coffeehouse::test_support {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Only a safety net for a client that vanishes mid-exchange; tests never get near it.
constexpr std::chrono::seconds connection_timeout{10};

ssl::context server_tls(const PemIdentity& identity) {
  ssl::context tls{ssl::context::tls_server};
  tls.use_certificate_chain(asio::buffer(identity.certificate));
  tls.use_private_key(asio::buffer(identity.private_key), ssl::context::pem);
  return tls;
}

}  // namespace

TlsFixtureServer::TlsFixtureServer(const PemIdentity& identity, ResponseScript script)
    : script_(std::move(script)),
      tls_(server_tls(identity)),
      acceptor_(io_, tcp::endpoint{asio::ip::address_v4::loopback(), 0}),
      port_(acceptor_.local_endpoint().port()) {
  asio::co_spawn(io_, accept_connections(), asio::detached);
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& error) {
      ADD_FAILURE() << "TLS fixture server stopped: " << error.what();
    }
  });
}

TlsFixtureServer::~TlsFixtureServer() {
  io_.stop();
  thread_.join();
}

std::string TlsFixtureServer::url(std::string_view target, std::string_view host) const {
  return "https://" + std::string{host} + ":" + std::to_string(port_) + std::string{target};
}

std::vector<RecordedRequest> TlsFixtureServer::requests() const {
  const std::lock_guard lock{requests_mutex_};
  return requests_;
}

RecordedRequest TlsFixtureServer::record(RecordedRequest request) {
  const std::lock_guard lock{requests_mutex_};
  request.sequence = requests_.size();
  requests_.push_back(request);
  return request;
}

asio::awaitable<void> TlsFixtureServer::accept_connections() {
  for (;;) {
    auto [error, socket] = co_await acceptor_.async_accept(use_tuple);
    if (error) co_return;
    asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> TlsFixtureServer::serve(tcp::socket socket) {
  beast::ssl_stream<beast::tcp_stream> stream{std::move(socket), tls_};
  beast::get_lowest_layer(stream).expires_after(connection_timeout);
  // A failed handshake is what the certificate tests expect: the client refused us.
  if (auto [error] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple); error) co_return;

  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  if (auto [error, read] = co_await http::async_read(stream, buffer, request, use_tuple); error) co_return;
  const auto recorded = record({0, std::string{request.target()}, std::string{request[http::field::host]},
                                std::string{request[http::field::user_agent]},
                                std::string{request[http::field::accept]}, std::chrono::steady_clock::now()});

  auto scripted = script_(recorded);
  if (scripted.delay > std::chrono::milliseconds::zero()) {
    beast::get_lowest_layer(stream).expires_never();
    asio::steady_timer wait{co_await asio::this_coro::executor, scripted.delay};
    co_await wait.async_wait(use_tuple);
    beast::get_lowest_layer(stream).expires_after(connection_timeout);
  }

  http::response<http::string_body> response{static_cast<http::status>(scripted.status), request.version()};
  response.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : scripted.headers) response.set(name, value);
  response.body() = std::move(scripted.body);
  response.keep_alive(false);
  response.prepare_payload();
  if (auto [error, written] = co_await http::async_write(stream, response, use_tuple); error) co_return;
  co_await stream.async_shutdown(use_tuple);
}

}  // namespace coffeehouse::test_support
