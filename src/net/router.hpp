#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and `{name}` captures; the
// pattern string doubles as the route's name in logs (never the raw path, which is unbounded).
// A GET route also answers HEAD (RFC 9110 §9.3.2); the session leaves the body out.
#include "net/http.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/url_view.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coffeehouse::net {

struct RequestContext {
  const Request& request;
  std::string_view route;                                      // the matched pattern
  std::vector<std::pair<std::string_view, std::string>> path;  // decoded captures
  boost::urls::params_view query;                              // percent-decoded

  // The capture named `name`; routes only ask for names their pattern declares.
  std::string_view path_param(std::string_view name) const;
};

// One route's handler: the request with what routing found in it. (The session calls a
// RequestHandler, session.hpp: a whole request in, its response out.)
using RouteHandler = std::function<boost::asio::awaitable<Response>(const RequestContext&)>;

// What a route's requests wait for before its handler runs. The service holds requests back in
// two places: until its start-up is done (the first start's seeding), and past capacity in the
// admission line (net::Admission). Probes and monitoring must get through when those hold.
struct RouteAccess {
  bool waits_for_startup = true;
  bool waits_in_line = true;
};

struct Dispatched {
  Response response;
  std::size_t route;  // index into Router::patterns(); patterns().size() when no path matched
};

class Router {
 public:
  // Where one request leads, found once, so that what it waits for is known before dispatch()
  // answers it (Service::serve). Refers to the request, which must outlive it.
  class Routed {
   public:
    // Index into patterns(): the route that serves the request, else the first route of its path
    // (a 405), else patterns().size(). Metrics count the request there, answered or refused.
    std::size_t route() const noexcept { return route_; }
    // That route's access; a request for no known path waits like any other.
    RouteAccess access() const noexcept { return access_; }

   private:
    friend class Router;
    explicit Routed(boost::system::result<boost::urls::url_view> target) : target_(target) {}
    std::size_t route_ = 0;
    RouteAccess access_;
    std::size_t serving_ = 0;  // the route whose handler answers; the route count when none does
    std::string allowed_;      // the path's methods, for Allow, when no route serves this one
    std::vector<std::string> segments_;
    boost::system::result<boost::urls::url_view> target_;
  };

  // Registration order breaks ties: add literal routes (/coffee/search) before captures (/coffee/{id}).
  void add(http::verb method, std::string_view pattern, RouteHandler handler, RouteAccess access = {});

  Routed resolve(const Request& request) const;

  // Routes the request: the handler's response, 404 for an unknown path, 405 with Allow for a
  // known path and another method, 400 for a malformed target.
  boost::asio::awaitable<Dispatched> dispatch(const Request& request) const;
  // The same for a request resolve() has routed.
  boost::asio::awaitable<Dispatched> dispatch(const Request& request, Routed routed) const;

  // The registered patterns, in registration order (route indexes for metrics).
  const std::vector<std::string>& patterns() const noexcept { return patterns_; }

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
    RouteAccess access;
  };

  std::vector<Route> routes_;
  std::vector<std::string> patterns_;
};

}  // namespace coffeehouse::net
