#pragma once
// When to try again, and how long to wait first. Pure functions of their inputs, so the
// policy is tested without a server.
#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace coffeehouse::net {

// 429 Too Many Requests and every 5xx: the server may well answer differently later.
bool is_retryable_status(unsigned status) noexcept;

// 301, 302, 303, 307 and 308; the client only sends GET, so they all mean "GET that instead".
bool is_redirect_status(unsigned status) noexcept;

// Capped exponential backoff with "equal jitter": the delay before retry n (1-based) is drawn
// from [d/2, d] where d = min(cap, base * 2^(n-1)). Half of it stays random so clients that
// failed together do not retry together; the other half keeps consecutive delays growing.
std::chrono::milliseconds backoff_delay(unsigned retry_number, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, std::mt19937_64& random);

// A Retry-After value as a wait from `now`: delta-seconds ("120") or an IMF-fixdate
// ("Wed, 21 Oct 2015 07:28:00 GMT"; a date in the past means no wait). nullopt when it is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace coffeehouse::net
