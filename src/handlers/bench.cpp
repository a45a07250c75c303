// GET /bench/sleep?ms=N: a query that takes N ms in PostgreSQL, for the mixed scenario of the
// sync-vs-async bench. Registered only with --enable-bench-routes.
#include "handlers/request_parsing.hpp"
#include "handlers/routes.hpp"

namespace coffeehouse::handlers {

namespace {

constexpr std::int64_t max_sleep_ms = 10'000;

boost::asio::awaitable<net::Response> sleep_in_database(Services& services, const net::RequestContext& context) {
  auto milliseconds = integer_query_param(context, "ms", 100, 0, max_sleep_ms);
  if (is_response(milliseconds)) co_return std::get<net::Response>(std::move(milliseconds));
  const auto slept = std::get<std::int64_t>(milliseconds);
  if (auto done = co_await services.bench.sleep(slept); !done) co_return database_error_response(done.error());
  co_return net::json_response(net::http::status::ok, boost::json::object{{"slept_ms", slept}});
}

}  // namespace

void add_bench_routes(net::Router& router, Services& services) {
  router.add(net::http::verb::get, "/bench/sleep",
             [&services](const net::RequestContext& context) { return sleep_in_database(services, context); });
}

}  // namespace coffeehouse::handlers
