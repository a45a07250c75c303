#include "db/coffee_document.hpp"

#include "db/json_text.hpp"

namespace coffeehouse::db {

void append_coffee_document(std::string& out, const Rows& rows, int row, int first_column) {
  out += "{\"id\":";
  out += rows.text(row, first_column);
  out += ",\"title\":";
  append_json_string(out, rows.text(row, first_column + 1));
  out += ",\"origin\":";
  append_json_string_or_null(out, rows.optional_text(row, first_column + 2));
  out += ",\"intensifier\":";
  append_json_string_or_null(out, rows.optional_text(row, first_column + 3));
  out += ",\"notes\":";
  out += rows.optional_text(row, first_column + 4).value_or("[]");
  out += '}';
}

}  // namespace coffeehouse::db
