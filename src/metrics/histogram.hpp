#pragma once
// A Prometheus histogram with fixed bucket bounds. Not thread-safe by design: each io thread
// owns its own and /metrics merges copies (see metrics/worker_metrics.hpp).
#include <array>
#include <chrono>
#include <cstdint>

namespace coffeehouse::metrics {

// Upper bounds in seconds, from a fast indexed query to a slow request.
inline constexpr std::array<double, 14> latency_bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                       0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5};

class Histogram {
 public:
  void observe(std::chrono::nanoseconds duration) noexcept {
    const double seconds = std::chrono::duration<double>(duration).count();
    std::size_t bucket = 0;
    while (bucket < latency_bounds.size() && seconds > latency_bounds[bucket]) ++bucket;
    ++counts_[bucket];  // the last slot is +Inf
    sum_seconds_ += seconds;
    ++count_;
  }

  void merge(const Histogram& other) noexcept {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    sum_seconds_ += other.sum_seconds_;
    count_ += other.count_;
  }

  // Observations in bucket i alone (not cumulative); i == latency_bounds.size() is +Inf.
  std::uint64_t bucket(std::size_t i) const noexcept { return counts_[i]; }
  double sum_seconds() const noexcept { return sum_seconds_; }
  std::uint64_t count() const noexcept { return count_; }

 private:
  std::array<std::uint64_t, latency_bounds.size() + 1> counts_{};
  double sum_seconds_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace coffeehouse::metrics
