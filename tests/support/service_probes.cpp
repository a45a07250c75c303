#include "support/service_probes.hpp"

#include <thread>

namespace coffeehouse::testing {

std::size_t gauge(HttpClient& http, const std::string& sample) {
  const auto body = http.get("/metrics").body();
  const auto at = body.find("\n" + sample + " ");
  return at == std::string::npos ? 0 : std::stoul(body.substr(at + sample.size() + 2));
}

bool wait_for_gauge(HttpClient& http, const std::string& sample, std::size_t value, Clock::duration limit) {
  const auto deadline = Clock::now() + limit;
  while (gauge(http, sample) != value) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::future<TimedAnswer> get_in_background(std::uint16_t port, std::string target) {
  return std::async(std::launch::async, [port, target = std::move(target)] {
    HttpClient http(port);
    const auto started = Clock::now();
    const auto result = http.get(target);
    const auto answered = Clock::now();
    return TimedAnswer{result.status(), result.status() == 200 ? "" : result.error_code(),
                       !result.header("Retry-After").empty(), answered - started, answered};
  });
}

}  // namespace coffeehouse::testing
