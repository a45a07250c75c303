#pragma once
// Turning URLs into what a request needs (host to resolve and verify, port, Host header,
// request target) and following a Location header, all through Boost.URL.
#include "net/https_result.hpp"

#include <boost/system/result.hpp>
#include <boost/url/url.hpp>

#include <string>
#include <string_view>

namespace coffeehouse::net {

struct HttpsTarget {
  boost::urls::url url;
  std::string host;            // decoded, IPv6 without brackets: for DNS, SNI and verification
  std::string port;            // "443" unless the URL names one
  std::string host_header;     // host[:port] exactly as the URL spells it
  std::string request_target;  // path and query, "/" for an empty path; never the fragment
};

// Accepts only absolute https URLs with a host.
boost::system::result<HttpsTarget, HttpsError> parse_https_target(std::string_view url);

// Resolves a Location header (absolute or relative) against the URL that answered with it,
// and refuses a target that leaves https.
boost::system::result<HttpsTarget, HttpsError> redirect_target(const HttpsTarget& from, std::string_view location);

// scheme://host:port/path for log lines and messages: no user info, no query, no fragment,
// since those are where credentials and tokens travel.
std::string loggable_url(const HttpsTarget& target);

}  // namespace coffeehouse::net
