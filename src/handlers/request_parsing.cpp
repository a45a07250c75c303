#include "handlers/request_parsing.hpp"

#include <spdlog/spdlog.h>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <array>
#include <charconv>
#include <chrono>

namespace coffeehouse::handlers {

namespace http = net::http;

namespace {

std::optional<std::int64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;  // 18 digits always fit in int64
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.front() == '-' || text.front() == '+') {
    return std::nullopt;
  }
  return value;
}

}  // namespace

OrResponse<std::int64_t> parse_path_id(const net::RequestContext& context, std::string_view name) {
  const auto text = context.path_param(name);
  const bool all_digits = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  if (!all_digits) {
    // Echoed percent-encoded, as it travels in a URL: decoded, it may not be UTF-8, and a JSON
    // body must be.
    return net::error_response(http::status::bad_request, "invalid_id",
                               std::string(name) + " must be a positive integer, got '" +
                                   boost::urls::encode(text, boost::urls::unreserved_chars) + "'");
  }
  // Long digit strings are valid numbers that no row can have.
  return parse_decimal(text).value_or(max_serial_id + 1);
}

OrResponse<std::optional<std::string>> single_query_param(const net::RequestContext& context, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& param : context.query) {
    if (param.key != name) continue;
    if (found) {
      return net::error_response(http::status::bad_request, "invalid_parameter",
                                 "query parameter '" + std::string(name) + "' is given more than once");
    }
    found = param.has_value ? std::string(param.value) : std::string();
    // libpq sends text parameters as C strings: a NUL would silently cut the value short.
    if (found->find('\0') != std::string::npos) {
      return net::error_response(http::status::bad_request, "invalid_parameter",
                                 "query parameter '" + std::string(name) + "' must not contain NUL characters");
    }
  }
  return found;
}

OrResponse<std::int64_t> integer_query_param(const net::RequestContext& context, std::string_view name,
                                             std::int64_t fallback, std::int64_t min, std::int64_t max) {
  auto text = single_query_param(context, name);
  if (is_response(text)) return std::get<net::Response>(std::move(text));
  const auto& value = std::get<std::optional<std::string>>(text);
  if (!value) return fallback;
  const auto parsed = parse_decimal(*value);
  if (!parsed || *parsed < min || *parsed > max) {
    return net::error_response(http::status::bad_request, "invalid_parameter",
                               "query parameter '" + std::string(name) + "' must be an integer from " +
                                   std::to_string(min) + " to " + std::to_string(max));
  }
  return *parsed;
}

boost::asio::awaitable<net::Response> fetch_one_by_id(const net::RequestContext& context,
                                                      std::string_view not_found_code, FindById find) {
  auto id = parse_path_id(context, "id");
  if (is_response(id)) co_return std::get<net::Response>(std::move(id));
  const auto row_id = std::get<std::int64_t>(id);
  const auto not_found = [&] {
    return net::error_response(http::status::not_found, not_found_code, "no such resource");
  };
  if (row_id > max_serial_id) co_return not_found();  // no SERIAL value is that large

  auto found = co_await find(row_id);
  if (!found) co_return database_error_response(found.error());
  if (!*found) co_return not_found();
  co_return net::json_text_response(http::status::ok, std::move((*found)->text));
}

namespace {

// Logs a passing failure of the database or the pool at most once a second per kind and io
// thread, saying how many went unlogged meanwhile: under overload, a line per request would
// spend on logging the CPU the service is short of.
void warn_now_and_then(db::ErrorKind kind, std::string_view what, const std::string& detail) {
  struct Interval {
    std::chrono::steady_clock::time_point logged{};
    std::uint64_t unlogged = 0;
  };
  thread_local std::array<Interval, 16> intervals;
  auto& interval = intervals.at(static_cast<std::size_t>(kind));
  const auto now = std::chrono::steady_clock::now();
  if (interval.logged != std::chrono::steady_clock::time_point{} && now - interval.logged < std::chrono::seconds(1)) {
    ++interval.unlogged;
    return;
  }
  if (interval.unlogged > 0) {
    spdlog::warn("{}: {} ({} more in the last second)", what, detail, interval.unlogged);
  } else {
    spdlog::warn("{}: {}", what, detail);
  }
  interval = {now, 0};
}

net::Response retry_shortly(std::string_view code, std::string_view message) {
  auto response = net::error_response(http::status::service_unavailable, code, message);
  response.set(http::field::retry_after, "1");
  return response;
}

}  // namespace

net::Response overloaded_response(const std::string& detail) {
  // The database may be idle: what is full is the line of requests waiting for it.
  warn_now_and_then(db::ErrorKind::overloaded, "overloaded", detail);
  return retry_shortly("overloaded", "the service is at capacity; retry shortly");
}

net::Response database_error_response(const db::DbError& error) {
  switch (error.kind) {
    case db::ErrorKind::unavailable:
      warn_now_and_then(error.kind, "database unavailable", error.message);
      return retry_shortly("database_unavailable", "the database is unavailable; retry shortly");
    case db::ErrorKind::overloaded: return overloaded_response(error.message);
    case db::ErrorKind::acquire_timeout:
      warn_now_and_then(error.kind, "no database connection in time", error.message);
      return retry_shortly("database_busy", "no database connection became free in time; retry shortly");
    case db::ErrorKind::timeout:
      warn_now_and_then(error.kind, "database timeout", error.message);
      return net::error_response(http::status::gateway_timeout, "database_timeout",
                                 "the database did not answer in time");
    case db::ErrorKind::schema_mismatch:
      // Says what is missing: the operator who ran a migration needs to know which one.
      spdlog::error("database schema mismatch {}: {}", error.sqlstate, error.message);
      return net::error_response(http::status::internal_server_error, "schema_mismatch",
                                 "the database schema does not match this service (" + error.message +
                                     "); apply its migrations: coffeehouse migrate upgrade heads");
    case db::ErrorKind::missing_reference:
    case db::ErrorKind::invalid_value:
    case db::ErrorKind::query: break;
  }
  spdlog::error("database error {}: {}", error.sqlstate, error.message);
  return net::error_response(http::status::internal_server_error, "internal_error", "an internal error occurred");
}

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t length = 0;
  for (const char byte : text) {
    if ((static_cast<unsigned char>(byte) & 0xC0u) != 0x80u) ++length;  // not a continuation byte
  }
  return length;
}

}  // namespace coffeehouse::handlers
