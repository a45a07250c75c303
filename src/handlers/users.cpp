// POST /users, GET /users/{id}, GET /users?country=
#include "handlers/request_parsing.hpp"
#include "handlers/routes.hpp"
#include "handlers/user_input.hpp"

namespace coffeehouse::handlers {

namespace http = net::http;
using boost::asio::awaitable;

namespace {

constexpr std::int64_t default_page_size = 100;
constexpr std::int64_t max_page_size = 1000;

awaitable<net::Response> create_user(Services& services, const net::RequestContext& context) {
  auto parsed = parse_new_user(context.request, services.state.max_json_depth);
  if (is_response(parsed)) co_return std::get<net::Response>(std::move(parsed));
  const auto& user = std::get<NewUser>(parsed);

  auto created = co_await services.users.insert(user);
  if (!created) {
    switch (created.error().kind) {
      case db::ErrorKind::missing_reference:
        co_return net::error_response(http::status::unprocessable_entity, "unknown_coffee",
                                      "coffee_id " + std::to_string(user.coffee_id.value_or(0)) + " does not exist");
      case db::ErrorKind::invalid_value:
        // What the body's parser accepted and PostgreSQL did not (its json type is stricter).
        co_return net::error_response(http::status::unprocessable_entity, "validation_failed",
                                      "the database refused a value: " + created.error().message);
      default: co_return database_error_response(created.error());
    }
  }
  auto response = net::json_text_response(http::status::created, std::move(created->document.text));
  response.set(http::field::location, "/users/" + std::to_string(created->id));
  co_return response;
}

awaitable<net::Response> list_users_by_country(Services& services, const net::RequestContext& context) {
  auto country = single_query_param(context, "country");
  if (is_response(country)) co_return std::get<net::Response>(std::move(country));
  const auto& name = std::get<std::optional<std::string>>(country);
  if (!name || name->empty()) {
    co_return net::error_response(http::status::bad_request, "missing_parameter",
                                  "query parameter 'country' is required");
  }
  auto limit = integer_query_param(context, "limit", default_page_size, 1, max_page_size);
  if (is_response(limit)) co_return std::get<net::Response>(std::move(limit));
  auto after_id = integer_query_param(context, "after_id", 0, 0, max_serial_id);
  if (is_response(after_id)) co_return std::get<net::Response>(std::move(after_id));

  auto page =
      co_await services.users.page_by_country(*name, std::get<std::int64_t>(after_id), std::get<std::int64_t>(limit));
  if (!page) co_return database_error_response(page.error());
  co_return net::json_text_response(http::status::ok, std::move(page->text));
}

}  // namespace

void add_user_routes(net::Router& router, Services& services) {
  router.add(http::verb::post, "/users",
             [&services](const net::RequestContext& context) { return create_user(services, context); });
  router.add(http::verb::get, "/users",
             [&services](const net::RequestContext& context) { return list_users_by_country(services, context); });
  router.add(http::verb::get, "/users/{id}", [&services](const net::RequestContext& context) {
    return fetch_one_by_id(context, "user_not_found", [&services](std::int64_t id) { return services.users.find(id); });
  });
}

}  // namespace coffeehouse::handlers
