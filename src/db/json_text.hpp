#pragma once
// Documents made from stored rows without a JSON DOM: strings are escaped as they are copied,
// and what PostgreSQL holds as JSON (a json column, to_json of an array) is copied as it is, so
// a stored -7.6590285039183925 or 1.0 reaches the client digit for digit. Boost.JSON would
// parse such numbers into doubles (1.81 rounds some to a neighbour) and write them back in
// exponent form.
#include "db/result.hpp"
#include "db/rows.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace coffeehouse::db {

// A JSON document made from stored data: valid, and sent to clients as it is.
struct JsonText {
  std::string text;
};

// What GET /things/{id} needs from a statement's rows: the first row's document, written by
// `write(out, rows, row)`, or nullopt when no row has the id.
template <class WriteDocument>
Result<std::optional<JsonText>> first_row_document(const Result<Rows>& rows, WriteDocument write) {
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<JsonText>{};
  JsonText document;
  write(document.text, *rows, 0);
  return std::optional<JsonText>{std::move(document)};
}

// Appends `text` (valid UTF-8) as a JSON string literal: quotes, backslashes and control
// characters escaped, everything else as it is.
void append_json_string(std::string& out, std::string_view text);
// A nullable text column: a JSON string, or null.
void append_json_string_or_null(std::string& out, std::optional<std::string_view> text);
// A nullable column that PostgreSQL already holds as JSON text (json, to_json(...)): copied as
// it is, or null.
void append_json_or_null(std::string& out, std::optional<std::string_view> json);
// A nullable boolean column in text format ("t"/"f").
void append_json_boolean_or_null(std::string& out, std::optional<std::string_view> text);

}  // namespace coffeehouse::db
