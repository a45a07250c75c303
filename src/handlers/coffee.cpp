// GET /coffee/search, GET /coffee/notes, GET /coffee/{id}
#include "handlers/representations.hpp"
#include "handlers/request_parsing.hpp"
#include "handlers/routes.hpp"

namespace coffeehouse::handlers {

namespace http = net::http;
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

constexpr std::int64_t default_search_limit = 50;
constexpr std::int64_t max_search_limit = 1000;

awaitable<net::Response> search_coffee(Services& services, const net::RequestContext& context) {
  auto title = single_query_param(context, "title");
  if (is_response(title)) co_return std::get<net::Response>(std::move(title));
  const auto& text = std::get<std::optional<std::string>>(title);
  if (!text || text->find_first_not_of(" \t\r\n") == std::string::npos) {
    co_return net::error_response(http::status::bad_request, "missing_parameter",
                                  "query parameter 'title' is required and must not be blank");
  }
  auto limit = integer_query_param(context, "limit", default_search_limit, 1, max_search_limit);
  if (is_response(limit)) co_return std::get<net::Response>(std::move(limit));

  db::Params params;
  params.add(std::string_view(*text)).add(std::get<std::int64_t>(limit));
  auto outcome = co_await services.pool.execute(db::Statement::search_coffee, params);
  if (!outcome.ok()) co_return database_error_response(outcome.error);
  json::array found;
  for (int row = 0; row < outcome.rows.size(); ++row) found.push_back(coffee_json(outcome.rows, row, 0));
  co_return net::json_response(http::status::ok, found);
}

awaitable<net::Response> list_notes(Services& services) {
  auto outcome = co_await services.pool.execute(db::Statement::coffee_notes, {});
  if (!outcome.ok()) co_return database_error_response(outcome.error);
  json::array notes;
  for (int row = 0; row < outcome.rows.size(); ++row) notes.emplace_back(json::string(outcome.rows.text(row, 0)));
  co_return net::json_response(http::status::ok, notes);
}

}  // namespace

void add_coffee_routes(net::Router& router, Services& services) {
  // Literal routes first: "/coffee/search" must not be taken for an id.
  router.add(http::verb::get, "/coffee/search",
             [&services](const net::RequestContext& context) { return search_coffee(services, context); });
  router.add(http::verb::get, "/coffee/notes",
             [&services](const net::RequestContext&) { return list_notes(services); });
  router.add(http::verb::get, "/coffee/{id}",
             [&services](const net::RequestContext& context) {
               return fetch_one_by_id(services.pool, context, db::Statement::coffee_by_id, "coffee_not_found",
                                      [](const db::Rows& rows, int row) { return coffee_json(rows, row, 0); });
             });
}

}  // namespace coffeehouse::handlers
