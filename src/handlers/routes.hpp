#pragma once
#include "handlers/services.hpp"
#include "net/router.hpp"

namespace coffeehouse::handlers {

// One function per route group, each defined in its own translation unit.
void add_health_routes(net::Router& router, Services& services);
void add_user_routes(net::Router& router, Services& services);
void add_coffee_routes(net::Router& router, Services& services);
void add_metrics_routes(net::Router& router, Services& services);
void add_bench_routes(net::Router& router, Services& services);
void add_api_docs_routes(net::Router& router);

// All of the API, in matching order.
net::Router make_router(Services& services);

}  // namespace coffeehouse::handlers
