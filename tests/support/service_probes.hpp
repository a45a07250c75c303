#pragma once
// What tests read off a running service from outside: samples of /metrics, and requests sent in
// the background with how long their answer took.
#include "support/http_client.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <future>
#include <string>

namespace coffeehouse::testing {

using Clock = std::chrono::steady_clock;

// The value of one sample on /metrics; 0 while it is absent (a counter appears with its first count).
std::size_t gauge(HttpClient& http, const std::string& sample);

inline const std::string in_use = R"(db_pool_connections{state="in_use"})";
inline const std::string waiters = "db_pool_waiters";

// Polls /metrics until `sample` reads `value`, for at most `limit`; returns whether it did.
bool wait_for_gauge(HttpClient& http, const std::string& sample, std::size_t value,
                    Clock::duration limit = std::chrono::seconds(5));

// Sends GET `target` on a fresh connection in another thread; the answer and how long it took.
struct TimedAnswer {
  unsigned status = 0;
  std::string code;
  bool retry_after = false;
  Clock::duration took{};
  Clock::time_point answered{};
};
std::future<TimedAnswer> get_in_background(std::uint16_t port, std::string target);

}  // namespace coffeehouse::testing
