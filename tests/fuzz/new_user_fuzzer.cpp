// handlers/user_input: the POST /users body. Whatever is accepted must be storable as sent
// (PostgreSQL text and jsonb refuse NUL characters and non-finite numbers) and within the
// documented limits; whatever is refused must be a 400 or 422 of the API's error shape.
#include "offline_app.hpp"

#include "handlers/user_input.hpp"

#include <boost/json/parse.hpp>

#include <cmath>
#include <cstdint>

namespace {

using coffeehouse::fuzz::require;

void require_storable_text(const std::string& text, std::string_view field) {
  require(text.find('\0') == std::string::npos, std::string(field) + " holds a NUL");
  require(coffeehouse::handlers::utf8_length(text) <= coffeehouse::handlers::max_name_length,
          std::string(field) + " is longer than its column");
}

void require_storable_json(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::string:
      require(value.get_string().find('\0') == boost::json::string::npos, "address holds a NUL");
      break;
    case boost::json::kind::double_:
      require(std::isfinite(value.get_double()), "address holds a non-finite number");
      break;
    case boost::json::kind::array:
      for (const auto& element : value.get_array()) require_storable_json(element);
      break;
    case boost::json::kind::object:
      for (const auto& member : value.get_object()) {
        require(member.key().find('\0') == boost::json::string_view::npos, "address key holds a NUL");
        require_storable_json(member.value());
      }
      break;
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace handlers = coffeehouse::handlers;
  coffeehouse::net::Request request{coffeehouse::net::http::verb::post, "/users", 11};
  request.set(coffeehouse::net::http::field::content_type, "application/json");
  request.body().assign(reinterpret_cast<const char*>(data), size);

  const auto parsed = handlers::parse_new_user(request);
  if (handlers::is_response(parsed)) {
    const auto& response = std::get<coffeehouse::net::Response>(parsed);
    require(response.result_int() == 400 || response.result_int() == 422, "a refused body is not 400 or 422");
    coffeehouse::fuzz::require_api_answer(response);
    return 0;
  }
  const auto& user = std::get<handlers::NewUser>(parsed);
  require(!user.name.empty(), "an empty name was accepted");
  require_storable_text(user.name, "name");
  if (user.surname) require_storable_text(*user.surname, "surname");
  if (user.patronomic) require_storable_text(*user.patronomic, "patronomic");
  if (user.body_with_address) {
    require(*user.body_with_address == request.body(), "the address does not travel in the body's own text");
    boost::system::error_code ec;
    const auto body = boost::json::parse(*user.body_with_address, ec);
    require(!ec && body.is_object() && body.at("address").is_object(), "the stored address is not a JSON object");
    require_storable_json(body.at("address"));
  }
  if (user.coffee_id)
    require(*user.coffee_id >= 1 && *user.coffee_id <= handlers::max_serial_id, "coffee_id out of range");
  return 0;
}
