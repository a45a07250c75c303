#include "net/https_url.hpp"

#include <boost/url/parse.hpp>

namespace coffeehouse::net {

namespace {

HttpsError invalid_url(std::string message) { return {HttpsErrorKind::invalid_url, std::move(message), {}}; }

boost::system::result<HttpsTarget, HttpsError> target_from(boost::urls::url url) {
  if (url.scheme_id() != boost::urls::scheme::https) {
    return invalid_url("only https URLs are fetched, not '" + std::string{url.scheme()} + ":'");
  }
  if (!url.has_authority() || url.encoded_host().empty()) return invalid_url("the URL has no host");

  url.remove_fragment();
  HttpsTarget target;
  target.host = url.host_address();
  target.port = url.has_port() ? std::string{url.port()} : "443";
  target.host_header = url.encoded_host_and_port();
  target.request_target = url.encoded_target();
  if (target.request_target.empty() || target.request_target.front() != '/') {
    target.request_target = "/" + target.request_target;  // (insert(0, ...) trips GCC 12's -Wstringop-overflow at -O2)
  }
  target.url = std::move(url);
  return target;
}

}  // namespace

boost::system::result<HttpsTarget, HttpsError> parse_https_target(std::string_view url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return invalid_url("not an absolute URL: " + parsed.error().message());
  return target_from(boost::urls::url{*parsed});
}

boost::system::result<HttpsTarget, HttpsError> redirect_target(const HttpsTarget& from, std::string_view location) {
  const auto reference = boost::urls::parse_uri_reference(location);
  if (!reference) {
    return HttpsError{HttpsErrorKind::protocol,
                      loggable_url(from) + " redirected to an unparsable Location: " + reference.error().message(),
                      {}};
  }
  boost::urls::url resolved;
  if (const auto ok = boost::urls::resolve(from.url, *reference, resolved); !ok) {
    return HttpsError{HttpsErrorKind::protocol,
                      loggable_url(from) + " sent a Location that cannot be resolved: " + ok.error().message(),
                      {}};
  }
  if (resolved.scheme_id() != boost::urls::scheme::https) {
    return HttpsError{
        HttpsErrorKind::insecure_redirect,
        loggable_url(from) + " redirected to a '" + std::string{resolved.scheme()} + ":' URL; only https is followed",
        {}};
  }
  auto target = target_from(std::move(resolved));
  if (!target) {
    return HttpsError{
        HttpsErrorKind::protocol, loggable_url(from) + " redirected to an unusable URL: " + target.error().message, {}};
  }
  return target;
}

std::string loggable_url(const HttpsTarget& target) {
  return std::string{target.url.scheme()} + "://" + target.host_header + std::string{target.url.encoded_path()};
}

}  // namespace coffeehouse::net
