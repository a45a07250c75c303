// GET /coffee/search, GET /coffee/notes, GET /coffee/{id}
#include "handlers/request_parsing.hpp"
#include "handlers/routes.hpp"

namespace coffeehouse::handlers {

namespace http = net::http;
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

  auto found = co_await services.coffee.search(*text, std::get<std::int64_t>(limit));
  if (!found) co_return database_error_response(found.error());
  co_return net::json_text_response(http::status::ok, std::move(found->text));
}

awaitable<net::Response> list_notes(Services& services) {
  auto notes = co_await services.coffee.notes();
  if (!notes) co_return database_error_response(notes.error());
  co_return net::json_text_response(http::status::ok, std::move(notes->text));
}

}  // namespace

void add_coffee_routes(net::Router& router, Services& services) {
  // Literal routes first: "/coffee/search" must not be taken for an id.
  router.add(http::verb::get, "/coffee/search",
             [&services](const net::RequestContext& context) { return search_coffee(services, context); });
  router.add(http::verb::get, "/coffee/notes",
             [&services](const net::RequestContext&) { return list_notes(services); });
  router.add(http::verb::get, "/coffee/{id}", [&services](const net::RequestContext& context) {
    return fetch_one_by_id(context, "coffee_not_found",
                           [&services](std::int64_t id) { return services.coffee.find(id); });
  });
}

}  // namespace coffeehouse::handlers
