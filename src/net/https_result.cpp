#include "net/https_result.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace coffeehouse::net {

std::string_view to_string(HttpsErrorKind kind) noexcept {
  switch (kind) {
    case HttpsErrorKind::invalid_url: return "invalid_url";
    case HttpsErrorKind::resolve: return "resolve";
    case HttpsErrorKind::connect: return "connect";
    case HttpsErrorKind::tls: return "tls";
    case HttpsErrorKind::timeout: return "timeout";
    case HttpsErrorKind::protocol: return "protocol";
    case HttpsErrorKind::too_large: return "too_large";
    case HttpsErrorKind::too_many_redirects: return "too_many_redirects";
    case HttpsErrorKind::insecure_redirect: return "insecure_redirect";
    case HttpsErrorKind::gave_up_after_retries: return "gave_up_after_retries";
  }
  return "unknown";
}

void throw_exception_from_error(const HttpsError& error, const boost::source_location& location) {
  boost::throw_with_location(std::runtime_error(error.message), location);
}

}  // namespace coffeehouse::net
