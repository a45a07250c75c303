#include "net/router.hpp"

#include <boost/url/parse.hpp>

namespace coffeehouse::net {

namespace {

std::vector<std::string> split_pattern(std::string_view pattern) {
  std::vector<std::string> segments;
  while (!pattern.empty()) {
    if (pattern.front() == '/') pattern.remove_prefix(1);
    const auto end = pattern.find('/');
    segments.emplace_back(pattern.substr(0, end));
    pattern.remove_prefix(end == std::string_view::npos ? pattern.size() : end);
  }
  return segments;
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string_view capture_name(std::string_view segment) { return segment.substr(1, segment.size() - 2); }

}  // namespace

std::string_view RequestContext::path_param(std::string_view name) const {
  for (const auto& [key, value] : path) {
    if (key == name) return value;
  }
  return {};
}

void Router::add(http::verb method, std::string_view pattern, Handler handler) {
  routes_.push_back(Route{method, std::string(pattern), split_pattern(pattern), std::move(handler)});
  patterns_.emplace_back(pattern);
}

Router::Match Router::match(const Request& request) const {
  const auto unmatched = routes_.size();
  Match found{unmatched, unmatched, {}, {}, boost::urls::parse_origin_form(request.target())};
  if (!found.target) return found;
  for (auto segment : found.target->segments()) found.segments.push_back(std::move(segment));
  // "/users/" and "/users" name the same resource.
  if (!found.segments.empty() && found.segments.back().empty()) found.segments.pop_back();

  for (std::size_t index = 0; index < routes_.size(); ++index) {
    const auto& route = routes_[index];
    if (route.segments.size() != found.segments.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < found.segments.size() && matches; ++i) {
      matches = is_capture(route.segments[i]) ? !found.segments[i].empty() : route.segments[i] == found.segments[i];
    }
    if (!matches) continue;
    if (found.first_path_match == unmatched) found.first_path_match = index;
    if (route.method == request.method()) {
      found.route = index;
      return found;
    }
    const auto name = http::to_string(route.method);
    if (found.allowed.find(name) == std::string::npos) {
      if (!found.allowed.empty()) found.allowed += ", ";
      found.allowed.append(name.data(), name.size());
    }
  }
  return found;
}

std::size_t Router::route_index(const Request& request) const {
  const auto found = match(request);
  return found.route != routes_.size() ? found.route : found.first_path_match;
}

boost::asio::awaitable<Dispatched> Router::dispatch(const Request& request) const {
  const auto unmatched = routes_.size();
  auto found = match(request);
  if (!found.target) {
    co_return Dispatched{error_response(http::status::bad_request, "bad_target", "the request target is not a valid path"),
                         unmatched};
  }
  if (found.route != unmatched) {
    const auto& route = routes_[found.route];
    RequestContext context{request, route.pattern, {}, found.target->params()};
    for (std::size_t i = 0; i < found.segments.size(); ++i) {
      if (is_capture(route.segments[i])) context.path.emplace_back(capture_name(route.segments[i]), found.segments[i]);
    }
    // Awaited into a named value first: GCC 12 destroys a co_await result that sits inside a
    // braced initializer twice.
    auto response = co_await route.handler(context);
    co_return Dispatched{std::move(response), found.route};
  }

  if (found.allowed.empty()) {
    co_return Dispatched{error_response(http::status::not_found, "not_found", "no such resource"), unmatched};
  }
  auto response = error_response(http::status::method_not_allowed, "method_not_allowed",
                                 "this resource does not support " + std::string(request.method_string()));
  response.set(http::field::allow, found.allowed);
  co_return Dispatched{std::move(response), found.first_path_match};
}

}  // namespace coffeehouse::net
