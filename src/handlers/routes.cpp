#include "handlers/routes.hpp"

namespace coffeehouse::handlers {

net::Router make_router(Services& services) {
  net::Router router;
  add_health_routes(router, services);
  add_user_routes(router, services);
  add_coffee_routes(router, services);
  add_metrics_routes(router, services);
  add_api_docs_routes(router);
  if (services.state.bench_routes) add_bench_routes(router, services);
  return router;
}

}  // namespace coffeehouse::handlers
