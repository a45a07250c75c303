// Routing with the real route table: any method, any request target, any body goes through
// net::Router::dispatch and the handlers (parameter parsing and validation) to a database that
// is never there. Every answer must be one the API documents. Input: one byte picks the method,
// then the target up to the first newline, then the body.
#include "offline_app.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <array>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = coffeehouse::net::http;
  static coffeehouse::fuzz::OfflineApp app;
  static constexpr std::array methods{http::verb::get,  http::verb::post,    http::verb::put,  http::verb::delete_,
                                      http::verb::head, http::verb::options, http::verb::patch};
  if (size == 0) return 0;
  const auto method = methods[data[0] % methods.size()];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto newline = rest.find('\n');
  const auto target = rest.substr(0, newline);
  const auto body = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);

  coffeehouse::net::Request request{method, target, 11};
  request.set(http::field::content_type, "application/json");
  request.body() = std::string(body);
  request.prepare_payload();
  auto answer = boost::asio::co_spawn(app.io(), app.router().dispatch(request), boost::asio::use_future);
  app.io().run();
  app.io().restart();
  const auto dispatched = answer.get();
  coffeehouse::fuzz::require_api_answer(dispatched.response);
  coffeehouse::fuzz::require(dispatched.route <= app.router().patterns().size(), "route index out of range");
  return 0;
}
