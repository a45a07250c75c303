#include "net/https_retry.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <limits>
#include <locale>
#include <sstream>
#include <string>

namespace coffeehouse::net {

bool is_retryable_status(unsigned status) noexcept { return status == 429 || (status >= 500 && status <= 599); }

bool is_redirect_status(unsigned status) noexcept {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::chrono::milliseconds backoff_delay(unsigned retry_number, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, std::mt19937_64& random) {
  auto ceiling = std::min(base, cap);
  // Doubling step by step instead of shifting keeps large retry numbers from overflowing.
  for (unsigned step = 1; step < retry_number && ceiling < cap; ++step) ceiling = std::min(ceiling * 2, cap);
  const auto half = ceiling / 2;
  std::uniform_int_distribution<std::chrono::milliseconds::rep> spread(0, (ceiling - half).count());
  return half + std::chrono::milliseconds{spread(random)};
}

namespace {

std::optional<std::chrono::milliseconds> parse_delta_seconds(std::string_view value) {
  std::uint32_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc::result_out_of_range) return std::chrono::seconds{std::numeric_limits<std::uint32_t>::max()};
  if (ec != std::errc{} || end != value.data() + value.size()) return std::nullopt;
  return std::chrono::seconds{seconds};
}

std::optional<std::chrono::milliseconds> parse_http_date(std::string_view value,
                                                         std::chrono::system_clock::time_point now) {
  std::tm fields{};
  std::istringstream input{std::string{value}};
  // Day and month names are English whatever the process locale says.
  input.imbue(std::locale::classic());
  input >> std::get_time(&fields, "%a, %d %b %Y %H:%M:%S GMT");
  if (input.fail()) return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&fields));
  if (at <= now) return std::chrono::milliseconds{0};
  return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') return parse_delta_seconds(value);
  return parse_http_date(value, now);
}

}  // namespace coffeehouse::net
