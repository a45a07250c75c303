// Routing: Router::dispatch from a parsed request to a handler's response, with the service's
// route table (handlers that answer at once, so only routing and the coroutine frames count).
#include "net/router.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace coffeehouse::net {
namespace {

Router service_routes() {
  Router router;
  const auto answer = [](const RequestContext& context) -> boost::asio::awaitable<Response> {
    Response response{http::status::ok, 11};
    response.body() = context.path_param("id");
    co_return response;
  };
  for (const auto* pattern : {"/healthz", "/readyz", "/metrics", "/coffee/search", "/coffee/notes", "/coffee/{id}",
                              "/users/{id}", "/bench/sleep"}) {
    router.add(http::verb::get, pattern, answer);
  }
  router.add(http::verb::post, "/users", answer);
  router.add(http::verb::get, "/users", answer);
  return router;
}

void dispatch(benchmark::State& state, const char* target) {
  const auto router = service_routes();
  boost::asio::io_context io{1};
  Request request{http::verb::get, target, 11};
  std::size_t route = 0;
  for (auto _ : state) {
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto dispatched = co_await router.dispatch(request);
          route = dispatched.route;
        },
        boost::asio::detached);
    io.run();
    io.restart();
    benchmark::DoNotOptimize(route);
  }
}

BENCHMARK_CAPTURE(dispatch, user_by_id, "/users/12345");
BENCHMARK_CAPTURE(dispatch, coffee_by_id, "/coffee/678");
BENCHMARK_CAPTURE(dispatch, users_by_country, "/users?country=United%20States&limit=20&after_id=100");
BENCHMARK_CAPTURE(dispatch, not_found, "/nowhere/at/all");

}  // namespace
}  // namespace coffeehouse::net
