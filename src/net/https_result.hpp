#pragma once
// What an HTTPS call gives back: a response (any status the client does not act on itself),
// or an error whose kind tells the caller what went wrong without parsing the message.
#include <boost/assert/source_location.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coffeehouse::net {

struct HttpsResponse {
  unsigned status = 0;
  boost::beast::http::fields headers;
  std::string body;
  std::string final_url;  // differs from the requested URL when redirects were followed
  unsigned attempts = 0;  // requests sent, redirects and retries included
};

enum class HttpsErrorKind : std::uint8_t {
  invalid_url,            // not an absolute https:// URL with a host
  resolve,                // the host name did not resolve
  connect,                // no resolved endpoint accepted the TCP connection
  tls,                    // handshake failed, certificate or host name verification included
  timeout,                // a stage timeout or the total deadline ran out
  protocol,               // the exchange failed mid-way or the answer is not valid HTTP
  too_large,              // the body exceeds HttpsClientOptions::body_limit
  too_many_redirects,     // more than HttpsClientOptions::max_redirects
  insecure_redirect,      // a Location that leaves https
  gave_up_after_retries,  // 429/5xx on every attempt, or the next retry would pass the deadline
};

std::string_view to_string(HttpsErrorKind kind) noexcept;

struct HttpsError {
  HttpsErrorKind kind = HttpsErrorKind::protocol;
  std::string message;                  // names the host and the stage; never contains credentials or queries
  std::optional<unsigned> last_status;  // the status that was being retried, for gave_up_after_retries
};

using HttpsResult = boost::system::result<HttpsResponse, HttpsError>;

// Found by argument-dependent lookup so that HttpsResult::value() throws on an error, as
// result<T, error_code>::value() does.
[[noreturn]] void throw_exception_from_error(const HttpsError& error, const boost::source_location& location);

}  // namespace coffeehouse::net
