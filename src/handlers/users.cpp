// POST /users, GET /users/{id}, GET /users?country=
#include "handlers/representations.hpp"
#include "handlers/request_parsing.hpp"
#include "handlers/routes.hpp"
#include "handlers/user_input.hpp"

namespace coffeehouse::handlers {

namespace http = net::http;
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

constexpr std::int64_t default_page_size = 100;
constexpr std::int64_t max_page_size = 1000;

awaitable<net::Response> create_user(Services& services, const net::RequestContext& context) {
  auto parsed = parse_new_user(context.request, services.state.max_json_depth);
  if (is_response(parsed)) co_return std::get<net::Response>(std::move(parsed));
  const auto& user = std::get<NewUser>(parsed);

  db::Params params;
  params.add(std::string_view(user.name)).add(user.surname).add(user.patronomic).add(user.has_sale);
  params.add(user.address_json).add(user.coffee_id);
  auto outcome = co_await services.pool.execute(db::Statement::insert_user, params);
  if (!outcome.ok()) {
    if (outcome.error.sqlstate == db::sqlstate::foreign_key_violation) {
      co_return net::error_response(http::status::unprocessable_entity, "unknown_coffee",
                                    "coffee_id " + std::to_string(user.coffee_id.value_or(0)) + " does not exist");
    }
    co_return database_error_response(outcome.error);
  }
  auto body = user_json(outcome.rows, 0);
  auto response = net::json_response(http::status::created, body);
  response.set(http::field::location, "/users/" + std::to_string(body.at("id").as_int64()));
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

  const auto page_size = std::get<std::int64_t>(limit);
  db::Params params;
  params.add(std::string_view(*name)).add(std::get<std::int64_t>(after_id)).add(page_size);
  auto outcome = co_await services.pool.execute(db::Statement::users_by_country, params);
  if (!outcome.ok()) co_return database_error_response(outcome.error);

  json::array users;
  for (int row = 0; row < outcome.rows.size(); ++row) users.push_back(user_json(outcome.rows, row));
  // A full page may have a successor; the client continues from the last id it saw.
  json::value next_after_id = nullptr;
  if (static_cast<std::int64_t>(users.size()) == page_size) next_after_id = users.back().at("id");
  co_return net::json_response(http::status::ok, json::object{{"users", std::move(users)}, {"next_after_id", next_after_id}});
}

}  // namespace

void add_user_routes(net::Router& router, Services& services) {
  router.add(http::verb::post, "/users",
             [&services](const net::RequestContext& context) { return create_user(services, context); });
  router.add(http::verb::get, "/users",
             [&services](const net::RequestContext& context) { return list_users_by_country(services, context); });
  router.add(http::verb::get, "/users/{id}",
             [&services](const net::RequestContext& context) {
               return fetch_one_by_id(services.pool, context, db::Statement::user_by_id, "user_not_found", user_json);
             });
}

}  // namespace coffeehouse::handlers
