#pragma once
// The body of POST /users, validated. Kept apart from the handler so it can be tested without
// a server: wrong JSON or wrong types are 400, values that are well-typed but unacceptable 422.
#include "db/user_store.hpp"
#include "handlers/request_parsing.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace coffeehouse::handlers {

inline constexpr std::size_t max_name_length = 50;  // users.name VARCHAR(50), in characters

using db::NewUser;

inline constexpr unsigned default_max_json_depth = 32;

// `max_depth` bounds nesting (the body itself is level 1); deeper is 400. The parsed document
// only serves validation: the address is stored from the body's own text (NewUser::body_with_address).
OrResponse<NewUser> parse_new_user(const net::Request& request, unsigned max_depth = default_max_json_depth);

}  // namespace coffeehouse::handlers
