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

// RFC 9110 §9.3.2: HEAD is GET without the body, so a GET route serves both.
bool serves(http::verb route_method, http::verb request_method) {
  return route_method == request_method || (route_method == http::verb::get && request_method == http::verb::head);
}

void add_allowed(std::string& allowed, http::verb method) {
  const auto name = http::to_string(method);
  if (allowed.find(name) != std::string::npos) return;
  if (!allowed.empty()) allowed += ", ";
  allowed.append(name.data(), name.size());
}

}  // namespace

std::string_view RequestContext::path_param(std::string_view name) const {
  for (const auto& [key, value] : path) {
    if (key == name) return value;
  }
  return {};
}

void Router::add(http::verb method, std::string_view pattern, RouteHandler handler, RouteAccess access) {
  routes_.push_back(Route{method, std::string(pattern), split_pattern(pattern), std::move(handler), access});
  patterns_.emplace_back(pattern);
}

Router::Routed Router::resolve(const Request& request) const {
  const auto unmatched = routes_.size();
  Routed found(boost::urls::parse_origin_form(request.target()));
  found.route_ = found.serving_ = unmatched;
  if (!found.target_) return found;
  for (auto segment : found.target_->segments()) found.segments_.push_back(std::move(segment));
  // "/users/" and "/users" name the same resource.
  if (!found.segments_.empty() && found.segments_.back().empty()) found.segments_.pop_back();

  for (std::size_t index = 0; index < routes_.size(); ++index) {
    const auto& route = routes_[index];
    if (route.segments.size() != found.segments_.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < found.segments_.size() && matches; ++i) {
      matches = is_capture(route.segments[i]) ? !found.segments_[i].empty() : route.segments[i] == found.segments_[i];
    }
    if (!matches) continue;
    // The path's first route stands for it until one serves the method: a 405 is counted and
    // let in as that route's requests are.
    if (found.route_ == unmatched) {
      found.route_ = index;
      found.access_ = route.access;
    }
    if (serves(route.method, request.method())) {
      found.route_ = found.serving_ = index;
      found.access_ = route.access;
      return found;
    }
    add_allowed(found.allowed_, route.method);
    if (route.method == http::verb::get) add_allowed(found.allowed_, http::verb::head);
  }
  return found;
}

boost::asio::awaitable<Dispatched> Router::dispatch(const Request& request) const {
  return dispatch(request, resolve(request));
}

boost::asio::awaitable<Dispatched> Router::dispatch(const Request& request, Routed routed) const {
  const auto unmatched = routes_.size();
  if (!routed.target_) {
    co_return Dispatched{
        error_response(http::status::bad_request, "bad_target", "the request target is not a valid path"), unmatched};
  }
  if (routed.serving_ != unmatched) {
    const auto& route = routes_[routed.serving_];
    RequestContext context{request, route.pattern, {}, routed.target_->params()};
    for (std::size_t i = 0; i < routed.segments_.size(); ++i) {
      if (is_capture(route.segments[i]))
        context.path.emplace_back(capture_name(route.segments[i]), routed.segments_[i]);
    }
    // Awaited into a named value first: GCC 12 destroys a co_await result that sits inside a
    // braced initializer twice.
    auto response = co_await route.handler(context);
    co_return Dispatched{std::move(response), routed.serving_};
  }

  if (routed.allowed_.empty()) {
    co_return Dispatched{error_response(http::status::not_found, "not_found", "no such resource"), unmatched};
  }
  auto response = error_response(http::status::method_not_allowed, "method_not_allowed",
                                 "this resource does not support " + std::string(request.method_string()));
  response.set(http::field::allow, routed.allowed_);
  co_return Dispatched{std::move(response), routed.route_};
}

}  // namespace coffeehouse::net
