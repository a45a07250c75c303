#pragma once
// A coffee as the API shows it, shared by the statements that return coffees and those that
// embed a user's coffee: the columns they select, and the document made from them.
#include "db/rows.hpp"

#include <string>

// The select list, in this order, for a coffee table alias: notes come as PostgreSQL's own JSON
// text of the array (to_json), so no array parser is needed here.
#define COFFEEHOUSE_COFFEE_COLUMNS(c) c ".id, " c ".title, " c ".origin, " c ".intensifier, to_json(" c ".notes)"

namespace coffeehouse::db {

inline constexpr int coffee_column_count = 5;

// {"id","title","origin","intensifier","notes":[...]} from the coffee columns starting at
// `first_column`; NULL notes are an empty array.
void append_coffee_document(std::string& out, const Rows& rows, int row, int first_column);

}  // namespace coffeehouse::db
