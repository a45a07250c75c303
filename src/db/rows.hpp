#pragma once
// What a statement gives back when it succeeds: a thin read-only view over a PGresult in text
// format. Only the stores read it; handlers see the domain types the stores make of it.
#include "db/pg_handles.hpp"
#include "db/result.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace coffeehouse::db {

class Rows {
 public:
  Rows() = default;
  explicit Rows(PgResultPtr result) : result_(std::move(result)) {}

  int size() const noexcept { return result_ ? PQntuples(result_.get()) : 0; }
  bool empty() const noexcept { return size() == 0; }
  bool is_null(int row, int column) const noexcept { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view text(int row, int column) const noexcept;
  std::optional<std::string_view> optional_text(int row, int column) const noexcept;
  std::int64_t integer(int row, int column) const;
  bool boolean(int row, int column) const noexcept { return text(row, column) == "t"; }
  // Bytes of text in all values: what a document made from them needs, give or take its syntax.
  std::size_t text_bytes() const noexcept;
  // The command tag ("INSERT 0 1", "COMMIT", ...).
  std::string_view command_status() const noexcept { return result_ ? PQcmdStatus(result_.get()) : ""; }

 private:
  PgResultPtr result_;
};

// Turns a finished PGresult (null: libpq failed) into rows or a classified error.
Result<Rows> classify_result(PgResultPtr result, PGconn* conn);

}  // namespace coffeehouse::db
