#pragma once
// Turning request pieces into typed values, with the API's error response when they do not fit.
// Each function returns either the value or the response to send instead.
#include "db/json_text.hpp"
#include "db/result.hpp"
#include "net/router.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace coffeehouse::handlers {

template <class T>
using OrResponse = std::variant<T, net::Response>;

template <class T>
bool is_response(const OrResponse<T>& result) {
  return std::holds_alternative<net::Response>(result);
}

// Largest id a SERIAL column can hold; larger numbers name nothing.
inline constexpr std::int64_t max_serial_id = 2147483647;

// A path id: digits only (else 400). Values beyond max_serial_id are returned as-is; the
// caller answers 404 for them without asking the database.
OrResponse<std::int64_t> parse_path_id(const net::RequestContext& context, std::string_view name);

// A query parameter given at most once (twice is ambiguous: 400). Absent → nullopt.
OrResponse<std::optional<std::string>> single_query_param(const net::RequestContext& context, std::string_view name);

// An integer query parameter within [min, max], or `fallback` when absent.
OrResponse<std::int64_t> integer_query_param(const net::RequestContext& context, std::string_view name,
                                             std::int64_t fallback, std::int64_t min, std::int64_t max);

// How a store finds one document by id: nullopt when there is none.
using FindById = std::function<boost::asio::awaitable<db::Result<std::optional<db::JsonText>>>(std::int64_t)>;

// GET /things/{id}: 400 for an id that is not a number, 404 (with `not_found_code`) when `find`
// finds nothing, else 200 with the document. `find` is taken by value because the coroutine runs
// after the caller's temporaries are gone.
boost::asio::awaitable<net::Response> fetch_one_by_id(const net::RequestContext& context,
                                                      std::string_view not_found_code, FindById find);

// The response for a failed query: 503 with Retry-After when the database is unreachable or
// the pool is exhausted, 504 on a statement timeout, 500 otherwise (logged, details hidden).
net::Response database_error_response(const db::DbError& error);

// 503 overloaded with Retry-After: the service is at capacity (a request waited its limit for a
// place, or for a connection). `detail` goes to the log, at most once a second per io thread.
net::Response overloaded_response(const std::string& detail);

// Number of Unicode code points in valid UTF-8 (Boost.JSON has already validated it).
std::size_t utf8_length(std::string_view text) noexcept;

}  // namespace coffeehouse::handlers
