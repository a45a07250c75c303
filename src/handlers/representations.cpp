#include "handlers/representations.hpp"

#include "db/statements.hpp"

#include <boost/json/parse.hpp>

namespace coffeehouse::handlers {

namespace json = boost::json;

namespace {

json::value optional_string(const db::Rows& rows, int row, int column) {
  const auto text = rows.optional_text(row, column);
  return text ? json::value(json::string(*text)) : json::value(nullptr);
}

// json and to_json() columns arrive as JSON text; the database produced it, so it parses.
json::value json_column(const db::Rows& rows, int row, int column) {
  const auto text = rows.optional_text(row, column);
  return text ? json::parse(*text) : json::value(nullptr);
}

}  // namespace

json::object coffee_json(const db::Rows& rows, int row, int first_column) {
  using namespace db::coffee_columns;
  auto notes = json_column(rows, row, first_column + notes_json);
  return json::object{
      {"id", rows.integer(row, first_column + id)},
      {"title", json::string(rows.text(row, first_column + title))},
      {"origin", optional_string(rows, row, first_column + origin)},
      {"intensifier", optional_string(rows, row, first_column + intensifier)},
      {"notes", notes.is_null() ? json::value(json::array()) : std::move(notes)},
  };
}

json::object user_json(const db::Rows& rows, int row) {
  using namespace db::user_columns;
  const bool has_coffee = !rows.is_null(row, coffee + db::coffee_columns::id);
  return json::object{
      {"id", rows.integer(row, id)},
      {"name", json::string(rows.text(row, name))},
      {"surname", optional_string(rows, row, surname)},
      {"patronomic", optional_string(rows, row, patronomic)},
      {"has_sale", rows.is_null(row, has_sale) ? json::value(nullptr) : json::value(rows.boolean(row, has_sale))},
      {"address", json_column(rows, row, address)},
      {"coffee", has_coffee ? json::value(coffee_json(rows, row, coffee)) : json::value(nullptr)},
  };
}

}  // namespace coffeehouse::handlers
