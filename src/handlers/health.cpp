// GET /healthz, GET /readyz
#include "handlers/request_parsing.hpp"
#include "handlers/routes.hpp"

#include <fmt/ranges.h>

namespace coffeehouse::handlers {

namespace http = net::http;
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

net::Response not_ready(std::string reason) {
  auto response = net::error_response(http::status::service_unavailable, "not_ready", reason);
  response.set(http::field::retry_after, "1");
  return response;
}

// Ready means: seeding is over, the database answers, and alembic_version holds exactly the heads of the
// revisions this build ships (no pending migration, no unknown newer one).
awaitable<net::Response> readiness(Services& services) {
  auto revisions = co_await services.schema.applied_revisions();
  if (!revisions) {
    if (revisions.error().kind == db::ErrorKind::schema_mismatch || revisions.error().kind == db::ErrorKind::query) {
      co_return not_ready("the schema is not migrated: " + revisions.error().message);
    }
    co_return not_ready("the database is unavailable: " + revisions.error().message);
  }
  // Asked after the database: seeding waits for an unreachable database, and then that is the reason.
  if (!services.state.seeding_finished.load()) co_return not_ready("the database is being seeded");
  const auto& applied = *revisions;
  if (applied != services.state.expected_heads) {
    co_return not_ready(
        fmt::format("the schema is at [{}] but this build expects [{}]; run `coffeehouse migrate upgrade heads`",
                    fmt::join(applied, ", "), fmt::join(services.state.expected_heads, ", ")));
  }
  json::array listed;
  for (const auto& revision : applied) listed.emplace_back(json::string(revision));
  // Which pool this io thread reads from: the replica (--database-read-url) while it is healthy.
  const char* reads = services.reads.replica_serving() ? "replica" : "primary";
  co_return net::json_response(http::status::ok,
                               json::object{{"status", "ready"}, {"revisions", std::move(listed)}, {"reads", reads}});
}

}  // namespace

void add_health_routes(net::Router& router, Services& services) {
  // Liveness only: no database call, so a database outage never gets the process restarted.
  router.add(
      http::verb::get, "/healthz",
      [](const net::RequestContext&) -> awaitable<net::Response> {
        co_return net::json_text_response(http::status::ok, R"({"status":"ok"})");
      },
      probe_access);
  router.add(
      http::verb::get, "/readyz", [&services](const net::RequestContext&) { return readiness(services); },
      probe_access);
}

}  // namespace coffeehouse::handlers
