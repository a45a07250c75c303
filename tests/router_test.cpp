#include "net/router.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

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
  EXPECT_EQ(wrong[http::field::allow], "GET");
}

TEST(Router, MalformedTargetIs400) {
  EXPECT_EQ(dispatch(echo_router(), http::verb::get, "no-leading-slash").result(), http::status::bad_request);
  EXPECT_EQ(dispatch(echo_router(), http::verb::get, "/users/%zz").result(), http::status::bad_request);
}

}  // namespace
}  // namespace coffeehouse::net
