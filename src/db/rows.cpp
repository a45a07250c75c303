#include "db/rows.hpp"

#include <boost/throw_exception.hpp>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace coffeehouse::db {

DbError::DbError(ErrorKind error_kind, std::string text, std::string state)
    : kind(error_kind), sqlstate(std::move(state)), message(std::move(text)) {
  // libpq messages end with a newline and may hold several lines ("connection refused\n\tIs the
  // server running ..."); log lines, CLI errors and JSON bodies read better as one line.
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\t', ' ');
}

void throw_exception_from_error(const DbError& error, const boost::source_location& location) {
  boost::throw_with_location(std::runtime_error(error.message), location);
}

std::string_view Rows::text(int row, int column) const noexcept {
  return {PQgetvalue(result_.get(), row, column), static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::size_t Rows::text_bytes() const noexcept {
  std::size_t bytes = 0;
  const int columns = result_ ? PQnfields(result_.get()) : 0;
  for (int row = 0; row < size(); ++row) {
    for (int column = 0; column < columns; ++column)
      bytes += static_cast<std::size_t>(PQgetlength(result_.get(), row, column));
  }
  return bytes;
}

std::optional<std::string_view> Rows::optional_text(int row, int column) const noexcept {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t Rows::integer(int row, int column) const {
  const auto value = text(row, column);
  std::int64_t parsed = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc{} || end != value.data() + value.size()) {
    throw std::runtime_error("column " + std::to_string(column) + " is not an integer");
  }
  return parsed;
}

namespace {

ErrorKind kind_of(std::string_view code) {
  if (code == sqlstate::query_canceled) return ErrorKind::timeout;
  // No SQLSTATE means libpq itself failed (e.g. the socket broke mid-query). A backend that is
  // shutting down (57P01–57P03: terminated, crash, not accepting connections) or a connection
  // exception (class 08) ends the connection, whichever the error arrived with.
  // A write refused as read-only (25006) means this connection reached a standby: the database
  // to write to is not there, which the client sees as an outage (the pool replaces the
  // connection, see Connection::execute).
  if (code.empty() || code.starts_with("08") || code == sqlstate::admin_shutdown || code == sqlstate::crash_shutdown ||
      code == sqlstate::cannot_connect_now || code == sqlstate::read_only_sql_transaction) {
    return ErrorKind::unavailable;
  }
  if (code == sqlstate::foreign_key_violation) return ErrorKind::missing_reference;
  if (code.starts_with("22")) return ErrorKind::invalid_value;
  if (code == sqlstate::undefined_column || code == sqlstate::undefined_table || code == sqlstate::undefined_function) {
    return ErrorKind::schema_mismatch;
  }
  return ErrorKind::query;
}

}  // namespace

Result<Rows> classify_result(PgResultPtr result, PGconn* conn) {
  if (!result) return DbError(ErrorKind::unavailable, conn ? PQerrorMessage(conn) : "no connection");
  switch (PQresultStatus(result.get())) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
    case PGRES_PIPELINE_SYNC: return Rows(std::move(result));
    default: {
      const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
      const char* primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
      std::string code = state ? state : "";
      const auto kind = kind_of(code);
      return DbError(kind, primary ? primary : PQresultErrorMessage(result.get()), std::move(code));
    }
  }
}

}  // namespace coffeehouse::db
