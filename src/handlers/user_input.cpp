#include "handlers/user_input.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace coffeehouse::handlers {

namespace http = net::http;
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 6> known_fields{"name", "surname", "patronomic", "has_sale", "address",
                                                       "coffee_id"};
constexpr unsigned max_json_depth = 32;

net::Response wrong_type(std::string_view field, std::string_view expected) {
  return net::error_response(http::status::bad_request, "invalid_type",
                             std::string(field) + " must be " + std::string(expected));
}

net::Response invalid_value(std::string message) {
  return net::error_response(http::status::unprocessable_entity, "validation_failed", message);
}

bool is_json_media_type(std::string_view content_type) {
  const auto end = content_type.find(';');
  auto media_type = content_type.substr(0, end);
  while (!media_type.empty() && std::isspace(static_cast<unsigned char>(media_type.back()))) media_type.remove_suffix(1);
  while (!media_type.empty() && std::isspace(static_cast<unsigned char>(media_type.front()))) media_type.remove_prefix(1);
  constexpr std::string_view expected = "application/json";
  return std::equal(media_type.begin(), media_type.end(), expected.begin(), expected.end(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// A text field that may be absent or null; PostgreSQL text cannot hold NUL characters.
OrResponse<std::optional<std::string>> optional_text(const json::object& body, std::string_view field,
                                                     std::size_t max_length) {
  const auto* value = body.if_contains(field);
  if (value == nullptr || value->is_null()) return std::optional<std::string>{};
  if (!value->is_string()) return wrong_type(field, "a string or null");
  const std::string_view text = value->get_string();
  if (text.find('\0') != std::string_view::npos) return invalid_value(std::string(field) + " must not contain NUL characters");
  if (utf8_length(text) > max_length) {
    return invalid_value(std::string(field) + " must be at most " + std::to_string(max_length) + " characters");
  }
  return std::optional<std::string>(std::string(text));
}

}  // namespace

OrResponse<NewUser> parse_new_user(const net::Request& request) {
  if (!is_json_media_type(request[http::field::content_type])) {
    return net::error_response(http::status::unsupported_media_type, "unsupported_media_type",
                               "the body must be JSON (Content-Type: application/json)");
  }
  json::parse_options options;
  options.max_depth = max_json_depth;
  boost::system::error_code ec;
  const auto document = json::parse(request.body(), ec, {}, options);
  if (ec) return net::error_response(http::status::bad_request, "malformed_json", "the body is not valid JSON: " + ec.message());
  if (!document.is_object()) return wrong_type("the body", "a JSON object");
  const auto& body = document.get_object();

  for (const auto& field : body) {
    if (std::find(known_fields.begin(), known_fields.end(), field.key()) == known_fields.end()) {
      return net::error_response(http::status::bad_request, "unknown_field",
                                 "unknown field '" + std::string(field.key()) + "'");
    }
  }

  NewUser user;
  const auto* name = body.if_contains("name");
  if (name == nullptr || name->is_null()) return invalid_value("name is required");
  if (!name->is_string()) return wrong_type("name", "a string");
  auto name_text = optional_text(body, "name", max_name_length);
  if (is_response(name_text)) return std::get<net::Response>(std::move(name_text));
  user.name = *std::get<std::optional<std::string>>(std::move(name_text));
  if (user.name.empty()) return invalid_value("name must not be empty");

  for (auto [field, target] : {std::pair{"surname", &user.surname}, std::pair{"patronomic", &user.patronomic}}) {
    auto text = optional_text(body, field, max_name_length);
    if (is_response(text)) return std::get<net::Response>(std::move(text));
    *target = std::get<std::optional<std::string>>(std::move(text));
  }

  if (const auto* has_sale = body.if_contains("has_sale"); has_sale != nullptr && !has_sale->is_null()) {
    if (!has_sale->is_bool()) return wrong_type("has_sale", "true, false or null");
    user.has_sale = has_sale->get_bool();
  }

  if (const auto* address = body.if_contains("address"); address != nullptr && !address->is_null()) {
    if (!address->is_object()) return wrong_type("address", "a JSON object or null");
    user.address_json = json::serialize(*address);
  }

  if (const auto* coffee_id = body.if_contains("coffee_id"); coffee_id != nullptr && !coffee_id->is_null()) {
    if (!coffee_id->is_int64() && !coffee_id->is_uint64()) return wrong_type("coffee_id", "an integer or null");
    const bool in_range = coffee_id->is_int64() && coffee_id->get_int64() >= 1 && coffee_id->get_int64() <= max_serial_id;
    if (!in_range) return invalid_value("coffee_id must be an existing coffee's id");
    user.coffee_id = coffee_id->get_int64();
  }
  return user;
}

}  // namespace coffeehouse::handlers
