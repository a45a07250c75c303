#pragma once
// The one result type of the data-access layer: a value, or a DbError that says what kind of
// failure it was, so that handlers map it to a status code without parsing messages.
#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace coffeehouse::db {

enum class ErrorKind : std::uint8_t {
  unavailable,        // could not connect, or the connection was lost
  overloaded,         // --max-waiters requests wait for a connection already: the service is
                      // at capacity (the database may be fine)
  acquire_timeout,    // no connection became free within --acquire-timeout-ms
  timeout,            // statement timeout or query deadline
  missing_reference,  // a row the statement refers to does not exist (foreign key)
  invalid_value,      // PostgreSQL refused a value as data (SQLSTATE class 22)
  schema_mismatch,    // the statement names a column, table or function the database lacks:
                      // a migration removed it, or the service is newer than the schema
  query,              // the server rejected the statement otherwise (see sqlstate)
};

struct DbError {
  // Not an aggregate: otherwise a std::string would construct one, and Result<std::string>
  // could not tell a value from an error.
  DbError() = default;
  DbError(ErrorKind error_kind, std::string text, std::string state = {});

  ErrorKind kind = ErrorKind::unavailable;
  std::string sqlstate;  // five characters when the server answered, else empty
  std::string message;   // one line
};

// Lets Result<T>::value() throw: only tests and start-up code call it.
[[noreturn]] void throw_exception_from_error(const DbError& error, const boost::source_location& location);

template <class T, class E = DbError>
using Result = boost::system::result<T, E>;

// SQLSTATEs the layer acts on.
namespace sqlstate {
inline constexpr std::string_view foreign_key_violation = "23503";
// feature_not_supported; what a prepared statement gets once a migration changed its result type.
inline constexpr std::string_view cached_plan_changed = "0A000";
inline constexpr std::string_view undefined_column = "42703";
inline constexpr std::string_view undefined_table = "42P01";
inline constexpr std::string_view undefined_function = "42883";
inline constexpr std::string_view query_canceled = "57014";
inline constexpr std::string_view admin_shutdown = "57P01";
inline constexpr std::string_view crash_shutdown = "57P02";
inline constexpr std::string_view cannot_connect_now = "57P03";
// A write on a server in recovery: the connection reached a standby (after a failover, the old
// primary or a stale address).
inline constexpr std::string_view read_only_sql_transaction = "25006";
}  // namespace sqlstate

}  // namespace coffeehouse::db
