// The admission line (net/admission.hpp) at the depth an overload brings: a place is handed to
// each of `waiting` requests in turn, as when thousands of clients wait for one io thread. What
// an iteration costs is joining the line and being handed the place; the coroutines' start
// and end are the same for any design of the line.
#include "net/admission.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace coffeehouse::net {
namespace {

namespace asio = boost::asio;

void hand_over_through_the_line(benchmark::State& state) {
  const auto waiting = state.range(0);
  asio::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  Admission admission({.max_in_progress = 1, .max_wait = std::chrono::seconds(60)});
  std::int64_t admitted = 0;
  for (auto _ : state) {
    std::optional<Admission::Place> held;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { held = co_await admission.enter(); }, asio::detached);
    io.poll();
    io.restart();  // out of work after each poll: it must be told to run again
    for (std::int64_t i = 0; i < waiting; ++i) {
      asio::co_spawn(
          io,
          [&]() -> asio::awaitable<void> {
            // Admitted, it leaves at once: its place goes to the next in line.
            if (auto place = co_await admission.enter()) ++admitted;
          },
          asio::detached);
    }
    io.poll();
    io.restart();
    held.reset();
    io.run();
    io.restart();
  }
  if (admitted != static_cast<std::int64_t>(state.iterations()) * waiting) {
    state.SkipWithError(
        ("admitted " + std::to_string(admitted) + " of " + std::to_string(state.iterations() * waiting)).c_str());
  }
  state.SetItemsProcessed(state.iterations() * waiting);
}
BENCHMARK(hand_over_through_the_line)->Arg(64)->Arg(4500)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace coffeehouse::net
