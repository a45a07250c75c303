#pragma once
// The body of POST /users, validated. Kept apart from the handler so it can be tested without
// a server: wrong JSON or wrong types are 400, values that are well-typed but unacceptable 422.
#include "handlers/request_parsing.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace coffeehouse::handlers {

inline constexpr std::size_t max_name_length = 50;  // users.name VARCHAR(50), in characters

struct NewUser {
  std::string name;
  std::optional<std::string> surname;
  std::optional<std::string> patronomic;
  std::optional<bool> has_sale;
  std::optional<std::string> address_json;  // serialized object, stored as-is in users.address
  std::optional<std::int64_t> coffee_id;    // absent: a random existing coffee
};

inline constexpr unsigned default_max_json_depth = 32;

// `max_depth` bounds nesting (the body itself is level 1); deeper is 400.
OrResponse<NewUser> parse_new_user(const net::Request& request, unsigned max_depth = default_max_json_depth);

}  // namespace coffeehouse::handlers
