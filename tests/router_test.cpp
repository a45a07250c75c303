#include "net/router.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include <tuple>

namespace coffeehouse::net {
namespace {

using boost::asio::awaitable;

// A router whose handlers echo which route matched and what they captured.
Router echo_router() {
  Router router;
  const auto echo = [](const RequestContext& context) -> awaitable<Response> {
    boost::json::object body{{"route", context.route}};
    for (const auto& [name, value] : context.path) body[name] = value;
    co_return json_response(http::status::ok, body);
  };
  router.add(http::verb::get, "/coffee/search", echo);
  router.add(http::verb::get, "/coffee/{id}", echo);
  router.add(http::verb::get, "/users/{id}", echo);
  router.add(http::verb::post, "/users", echo);
  return router;
}

Response dispatch(const Router& router, http::verb method, std::string_view target) {
  boost::asio::io_context io;
  Request request{method, target, 11};
  auto future = boost::asio::co_spawn(io, router.dispatch(request), boost::asio::use_future);
  io.run();
  return future.get().response;
}

TEST(Router, LiteralRouteWinsOverCaptureRegisteredAfterIt) {
  const auto router = echo_router();
  EXPECT_EQ(boost::json::parse(dispatch(router, http::verb::get, "/coffee/search?title=x").body()).at("route"),
            "/coffee/search");
  const auto by_id = boost::json::parse(dispatch(router, http::verb::get, "/coffee/42").body());
  EXPECT_EQ(by_id.at("route"), "/coffee/{id}");
  EXPECT_EQ(by_id.at("id"), "42");
}

TEST(Router, CapturesArePercentDecoded) {
  const auto body = boost::json::parse(dispatch(echo_router(), http::verb::get, "/users/a%20b").body());
  EXPECT_EQ(body.at("id"), "a b");
}

TEST(Router, UnknownPathIs404AndKnownPathWithOtherMethodIs405) {
  const auto router = echo_router();
  EXPECT_EQ(dispatch(router, http::verb::get, "/tea").result(), http::status::not_found);
  EXPECT_EQ(dispatch(router, http::verb::get, "/coffee/1/extra").result(), http::status::not_found);
  const auto wrong = dispatch(router, http::verb::delete_, "/users/1");
  EXPECT_EQ(wrong.result(), http::status::method_not_allowed);
  EXPECT_EQ(wrong[http::field::allow], "GET, HEAD");
}

TEST(Router, MalformedTargetIs400) {
  EXPECT_EQ(dispatch(echo_router(), http::verb::get, "no-leading-slash").result(), http::status::bad_request);
  EXPECT_EQ(dispatch(echo_router(), http::verb::get, "/users/%zz").result(), http::status::bad_request);
}

// RFC 9110 §9.3.2: HEAD is GET without the body (which the session leaves out, not the router).
TEST(Router, HeadIsServedByTheGetRouteAndAllowedWhereGetIs) {
  const auto router = echo_router();
  const auto head = dispatch(router, http::verb::head, "/coffee/42");
  EXPECT_EQ(head.result(), http::status::ok);
  EXPECT_EQ(boost::json::parse(head.body()).at("route"), "/coffee/{id}");
  const auto post_only = dispatch(router, http::verb::head, "/users");
  EXPECT_EQ(post_only.result(), http::status::method_not_allowed);
  EXPECT_EQ(post_only[http::field::allow], "POST");
  EXPECT_EQ(dispatch(router, http::verb::put, "/coffee/search")[http::field::allow], "GET, HEAD");
}

// What a request waits for is its route's, found by routing it: however the path is spelled,
// with whatever method (a 405 counts as its path's first route), and nothing special otherwise.
TEST(Router, ARequestHasTheAccessOfTheRouteItIsCountedUnder) {
  auto router = echo_router();
  const auto answer = [](const RequestContext&) -> awaitable<Response> { co_return Response{http::status::ok, 11}; };
  router.add(http::verb::get, "/healthz", answer, RouteAccess{.waits_for_startup = false, .waits_in_line = false});
  router.add(http::verb::get, "/metrics", answer, RouteAccess{.waits_for_startup = true, .waits_in_line = false});
  const auto healthz = router.patterns().size() - 2;
  // (route index, waits for start-up, waits in line)
  const auto routed = [&](http::verb method, std::string_view target) {
    const Request request{method, target, 11};
    const auto found = router.resolve(request);
    return std::tuple{found.route(), found.access().waits_for_startup, found.access().waits_in_line};
  };
  for (const auto* target : {"/healthz", "/healthz?x", "/healthz/", "/%68ealthz"}) {
    for (const auto method : {http::verb::get, http::verb::head, http::verb::post}) {
      EXPECT_EQ(routed(method, target), std::tuple(healthz, false, false)) << target << " " << http::to_string(method);
    }
  }
  EXPECT_EQ(routed(http::verb::head, "/metrics/"), std::tuple(healthz + 1, true, false));
  EXPECT_EQ(routed(http::verb::get, "/users/1"), std::tuple(std::size_t{2}, true, true));
  for (const auto* target : {"/healthzz", "/healthz/extra", "/nowhere", "no-leading-slash"}) {
    EXPECT_EQ(routed(http::verb::get, target), std::tuple(router.patterns().size(), true, true)) << target;
  }
}

}  // namespace
}  // namespace coffeehouse::net
