#pragma once
// A real HTTPS server on 127.0.0.1 (ephemeral port) running on its own thread, answering each
// request the way the test scripts it: status, headers, body, and how long to wait first.
#include "support/test_certificates.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http/field.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace coffeehouse::test_support {

struct RecordedRequest {
  std::size_t sequence = 0;  // order of arrival over the server's life, from 0
  std::string target;
  std::string host;
  std::string user_agent;
  std::string accept;
  std::chrono::steady_clock::time_point received_at;
};

struct ScriptedResponse {
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<boost::beast::http::field, std::string>> headers;
  std::chrono::milliseconds delay{0};  // before answering; never_answer keeps the client waiting
};

inline constexpr std::chrono::milliseconds never_answer = std::chrono::hours{24};

// Called on the server thread for each request, in arrival order.
using ResponseScript = std::function<ScriptedResponse(const RecordedRequest&)>;

class TlsFixtureServer {
 public:
  TlsFixtureServer(const PemIdentity& identity, ResponseScript script);
  TlsFixtureServer(const TlsFixtureServer&) = delete;
  TlsFixtureServer& operator=(const TlsFixtureServer&) = delete;
  // Stops the thread; requests still waiting (never_answer) are dropped unanswered.
  ~TlsFixtureServer();

  std::uint16_t port() const noexcept { return port_; }
  // https://{host}:{port}{target}
  std::string url(std::string_view target, std::string_view host = "localhost") const;
  std::vector<RecordedRequest> requests() const;

 private:
  boost::asio::awaitable<void> accept_connections();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  RecordedRequest record(RecordedRequest request);

  ResponseScript script_;
  // Declared before io_context: connections still pending when it is destroyed refer to it.
  boost::asio::ssl::context tls_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  mutable std::mutex requests_mutex_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

// Runs a client coroutine to completion on a fresh io_context on this thread.
template <class T>
T run_to_completion(boost::asio::awaitable<T> task) {
  boost::asio::io_context io;
  auto result = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  return result.get();
}

}  // namespace coffeehouse::test_support
