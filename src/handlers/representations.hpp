#pragma once
// Rows to API JSON. The column layouts are those of db/statements.hpp.
#include "db/query_result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace coffeehouse::handlers {

// {"id", "title", "origin", "intensifier", "notes": [...]} from the coffee columns at `first_column`.
boost::json::object coffee_json(const db::Rows& rows, int row, int first_column);

// {"id", "name", "surname", "patronomic", "has_sale", "address", "coffee"}; coffee is null when
// the user has none.
boost::json::object user_json(const db::Rows& rows, int row);

}  // namespace coffeehouse::handlers
