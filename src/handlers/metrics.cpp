// GET /metrics (Prometheus text format)
#include "handlers/routes.hpp"

namespace coffeehouse::handlers {

void add_metrics_routes(net::Router& router, Services& services) {
  router.add(
      net::http::verb::get, "/metrics",
      [&services](const net::RequestContext&) -> boost::asio::awaitable<net::Response> {
        const auto snapshot = co_await services.collect_metrics();
        net::Response response{net::http::status::ok, 11};
        response.set(net::http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        response.body() = metrics::render_prometheus(snapshot, services.exposition_labels());
        response.prepare_payload();
        co_return response;
      },
      monitoring_access);
}

}  // namespace coffeehouse::handlers
