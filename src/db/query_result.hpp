#pragma once
// What a query gives back: rows, or an error that says what kind of failure it was,
// so handlers can map it to a status code without parsing messages.
#include "db/pg_handles.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coffeehouse::db {

enum class ErrorKind : std::uint8_t {
  none,
  unavailable,     // could not connect, or the connection was lost
  pool_exhausted,  // no connection became free in time / waiter queue full
  timeout,         // statement timeout or query deadline
  query,           // the server rejected the statement (see sqlstate)
};

struct DbError {
  ErrorKind kind = ErrorKind::none;
  std::string sqlstate;  // five characters for ErrorKind::query, else empty
  std::string message;

  explicit operator bool() const noexcept { return kind != ErrorKind::none; }
  static DbError make(ErrorKind kind, std::string message, std::string sqlstate = {});
};

// SQLSTATE classes the handlers act on.
namespace sqlstate {
inline constexpr std::string_view foreign_key_violation = "23503";
inline constexpr std::string_view query_canceled = "57014";
inline constexpr std::string_view admin_shutdown = "57P01";
inline constexpr std::string_view crash_shutdown = "57P02";
inline constexpr std::string_view cannot_connect_now = "57P03";
}  // namespace sqlstate

// A successful result: a thin read-only view over PGresult in text format.
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

 private:
  PgResultPtr result_;
};

struct QueryOutcome {
  Rows rows;
  DbError error;

  bool ok() const noexcept { return !error; }
};

// Turns a finished PGresult into rows or a classified error.
QueryOutcome classify_result(PgResultPtr result, PGconn* conn);

}  // namespace coffeehouse::db
