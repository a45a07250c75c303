#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and `{name}` captures; the
// pattern string doubles as the route's name in logs (never the raw path, which is unbounded).
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
  std::string_view route;                                       // the matched pattern
  std::vector<std::pair<std::string_view, std::string>> path;   // decoded captures
  boost::urls::params_view query;                               // percent-decoded

  // The capture named `name`; routes only ask for names their pattern declares.
  std::string_view path_param(std::string_view name) const;
};

using Handler = std::function<boost::asio::awaitable<Response>(const RequestContext&)>;

struct Dispatched {
  Response response;
  std::size_t route;  // index into Router::patterns(); patterns().size() when no path matched
};

class Router {
 public:
  // Registration order breaks ties: add literal routes (/coffee/search) before captures (/coffee/{id}).
  void add(http::verb method, std::string_view pattern, Handler handler);

  // Routes the request: the handler's response, 404 for an unknown path, 405 with Allow for a
  // known path and another method, 400 for a malformed target.
  boost::asio::awaitable<Dispatched> dispatch(const Request& request) const;

  // The index dispatch() reports for `request`, without handling it (for requests answered
  // before dispatch, such as refusals under overload).
  std::size_t route_index(const Request& request) const;

  // The registered patterns, in registration order (route indexes for metrics).
  const std::vector<std::string>& patterns() const noexcept { return patterns_; }

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  // Where a request's path leads: the route for its method, else the first route of its path
  // and the methods that path allows. Indexes are routes_.size() when nothing matched.
  struct Match {
    std::size_t route;
    std::size_t first_path_match;
    std::string allowed;
    std::vector<std::string> segments;
    boost::system::result<boost::urls::url_view> target;
  };
  Match match(const Request& request) const;

  std::vector<Route> routes_;
  std::vector<std::string> patterns_;
};

}  // namespace coffeehouse::net
