// net::Admission on its own: places, the line, the deadline. No server, no database.
#include "net/admission.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace coffeehouse::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Enters, records when it got a place (or that it got none), then holds the place until `release`
// fires (cancelled) or for `hold`.
struct Visitor {
  std::string name;
  std::optional<bool> admitted;
};

asio::awaitable<void> visit(net::Admission& admission, Visitor& visitor, std::vector<std::string>& order,
                            std::chrono::milliseconds hold) {
  auto place = co_await admission.enter();
  visitor.admitted = place.has_value();
  if (!place) co_return;
  order.push_back(visitor.name);
  asio::steady_timer timer(co_await asio::this_coro::executor, hold);
  co_await timer.async_wait(asio::use_awaitable);
}

TEST(Admission, PlacesAreTakenAtOnceUpToTheBoundAndThenRequestsWaitInLine) {
  asio::io_context io;
  net::Admission admission({.max_in_progress = 2, .max_wait = 5s});
  std::vector<Visitor> visitors{{"a", {}}, {"b", {}}, {"c", {}}};
  std::vector<std::string> order;
  for (auto& visitor : visitors) asio::co_spawn(io, visit(admission, visitor, order, 100ms), asio::detached);
  io.run_for(20ms);
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(admission.stats().in_progress, 2u);
  EXPECT_EQ(admission.stats().queued, 1u);
  io.run();
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(admission.stats().in_progress, 0u);
  EXPECT_EQ(admission.stats().queued, 0u);
  EXPECT_EQ(admission.stats().refused, 0u);
}

TEST(Admission, FreedPlacesGoToTheLineInTheOrderItFormed) {
  asio::io_context io;
  net::Admission admission({.max_in_progress = 1, .max_wait = 5s});
  std::vector<Visitor> visitors;
  for (const char* name : {"first", "second", "third", "fourth", "fifth"}) visitors.push_back({name, {}});
  std::vector<std::string> order;
  for (auto& visitor : visitors) asio::co_spawn(io, visit(admission, visitor, order, 5ms), asio::detached);
  io.run();
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second", "third", "fourth", "fifth"}));
}

// A place set free goes to the one waiting, not to whoever asks between the hand-over and the
// moment the waiter resumes: arrivals cannot overtake the line.
TEST(Admission, AnArrivalDuringTheHandOverWaitsBehindTheOneWhoWaited) {
  asio::io_context io;
  net::Admission admission({.max_in_progress = 1, .max_wait = 5s});
  Visitor waiter{"waiter", {}}, latecomer{"latecomer", {}};
  std::vector<std::string> order;
  std::optional<net::Admission::Place> held;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { held = co_await admission.enter(); }, asio::detached);
  io.run();
  ASSERT_TRUE(held.has_value());
  io.restart();  // it ran out of work
  asio::co_spawn(io, visit(admission, waiter, order, 10ms), asio::detached);
  io.poll();
  ASSERT_EQ(admission.stats().queued, 1u);
  // Free the place and, in the same handler, let a latecomer ask: the waiter has not resumed yet.
  asio::post(io, [&] {
    held.reset();
    asio::co_spawn(io, visit(admission, latecomer, order, 10ms), asio::detached);
  });
  io.run();
  EXPECT_EQ(order, (std::vector<std::string>{"waiter", "latecomer"}));
}

TEST(Admission, WaitingLongerThanMaxWaitGetsNoPlaceAndIsCounted) {
  asio::io_context io;
  net::Admission admission({.max_in_progress = 1, .max_wait = 50ms});
  Visitor holder{"holder", {}}, waiter{"waiter", {}};
  std::vector<std::string> order;
  asio::co_spawn(io, visit(admission, holder, order, 300ms), asio::detached);
  const auto started = std::chrono::steady_clock::now();
  asio::co_spawn(io, visit(admission, waiter, order, 1ms), asio::detached);
  io.run_for(150ms);
  EXPECT_EQ(waiter.admitted, false);
  EXPECT_EQ(admission.stats().refused, 1u);
  EXPECT_EQ(admission.stats().queued, 0u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 50ms);
  io.run();
  EXPECT_EQ(order, (std::vector<std::string>{"holder"}));
  EXPECT_EQ(admission.stats().in_progress, 0u);
}

TEST(Admission, APlaceMovedOutOfCountsOnceAndAReplacedPlaceIsGivenBack) {
  asio::io_context io;
  net::Admission admission({.max_in_progress = 2, .max_wait = 5s});
  std::optional<net::Admission::Place> first, second;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        first = co_await admission.enter();
        second = co_await admission.enter();
      },
      asio::detached);
  io.run();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(admission.stats().in_progress, 2u);
  *first = std::move(*second);  // first's own place is given back, second's now lives in first
  EXPECT_EQ(admission.stats().in_progress, 1u);
  second.reset();
  EXPECT_EQ(admission.stats().in_progress, 1u);
  first.reset();
  EXPECT_EQ(admission.stats().in_progress, 0u);
}

}  // namespace
}  // namespace coffeehouse::testing
