#pragma once
#include "handlers/services.hpp"
#include "net/router.hpp"

namespace coffeehouse::handlers {

// What the service holds a route's requests back for (app::Service): until start-up is done, and
// past capacity in the admission line. The API waits for both (the default, net::RouteAccess{}).
// Probes wait for neither: /healthz answers while the process runs, /readyz reports the start-up.
inline constexpr net::RouteAccess probe_access{.waits_for_startup = false, .waits_in_line = false};
// /metrics skips the line, since overload is when operators need it; it waits for start-up.
inline constexpr net::RouteAccess monitoring_access{.waits_for_startup = true, .waits_in_line = false};

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
