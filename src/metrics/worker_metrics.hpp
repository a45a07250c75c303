#pragma once
// Request metrics of one io thread. Only that thread writes them, so counting needs no lock and
// no atomic; /metrics asks every thread for a copy (by posting to it) and merges the copies.
#include "metrics/histogram.hpp"

#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace coffeehouse::metrics {

struct PoolGauges {
  std::size_t idle = 0;
  std::size_t in_use = 0;
  std::size_t connecting = 0;
  std::size_t waiters = 0;
  // Counters: requests the pools gave no connection, by why (db::PoolStats).
  std::uint64_t refused_overloaded = 0;
  std::uint64_t refused_timed_out = 0;
  std::uint64_t refused_unavailable = 0;

  // Adds `other` into this (for the merged snapshot).
  void merge(const PoolGauges& other) noexcept {
    idle += other.idle;
    in_use += other.in_use;
    connecting += other.connecting;
    waiters += other.waiters;
    refused_overloaded += other.refused_overloaded;
    refused_timed_out += other.refused_timed_out;
    refused_unavailable += other.refused_unavailable;
  }
};

// The io threads' admission lines (net::AdmissionStats).
struct AdmissionGauges {
  std::size_t in_progress = 0;
  std::size_t queued = 0;
  std::uint64_t refused = 0;  // counter: waited --queue-timeout-ms in vain

  void merge(const AdmissionGauges& other) noexcept {
    in_progress += other.in_progress;
    queued += other.queued;
    refused += other.refused;
  }
};

// Where the io threads' reads went (db::ReadRoutingStats), and the replica's pools.
struct ReadGauges {
  bool replica_configured = false;
  std::size_t threads = 0;
  std::size_t threads_on_replica = 0;  // io threads whose reads go to the replica now
  std::int64_t replica_lag_ms = -1;    // the largest lag the threads' last checks saw; -1: none
  std::uint64_t replica_reads = 0;
  std::uint64_t primary_reads = 0;
  std::uint64_t replica_failures = 0;  // reads run again on the primary
  std::uint64_t misses_rechecked = 0;  // lookups asked of the primary after a miss
  PoolGauges replica_pool;

  void merge(const ReadGauges& other) noexcept {
    replica_configured = replica_configured || other.replica_configured;
    threads += other.threads;
    threads_on_replica += other.threads_on_replica;
    replica_lag_ms = std::max(replica_lag_ms, other.replica_lag_ms);
    replica_reads += other.replica_reads;
    primary_reads += other.primary_reads;
    replica_failures += other.replica_failures;
    misses_rechecked += other.misses_rechecked;
    replica_pool.merge(other.replica_pool);
  }
};

class WorkerMetrics {
 public:
  // route: index into the router's patterns, or route_count for requests that matched none.
  WorkerMetrics() = default;
  explicit WorkerMetrics(std::size_t route_count) : request_durations_(route_count + 1) {}

  void record_request(std::size_t route, boost::beast::http::verb method, unsigned status,
                      std::chrono::nanoseconds duration);

  struct RequestKey {
    std::size_t route;
    boost::beast::http::verb method;
    unsigned status;
    bool operator==(const RequestKey&) const = default;
  };
  struct RequestKeyHash {
    std::size_t operator()(const RequestKey& key) const noexcept {
      return (key.route << 20) ^ (static_cast<std::size_t>(key.method) << 10) ^ key.status;
    }
  };

  const std::unordered_map<RequestKey, std::uint64_t, RequestKeyHash>& requests() const noexcept { return requests_; }
  const std::vector<Histogram>& request_durations() const noexcept { return request_durations_; }

  // Adds `other` into this (for the merged snapshot).
  void merge(const WorkerMetrics& other);

 private:
  std::unordered_map<RequestKey, std::uint64_t, RequestKeyHash> requests_;
  std::vector<Histogram> request_durations_;
};

// Everything /metrics shows, merged over the io threads.
struct Snapshot {
  WorkerMetrics requests;
  Histogram query_durations;
  PoolGauges pool;
  AdmissionGauges admission;
  ReadGauges reads;
};

struct ExpositionLabels {
  const std::vector<std::string>* route_patterns;  // index → pattern; past the end: "unmatched"
  std::string db_mode;
  std::string version;
};

// The Prometheus text exposition format (version 0.0.4).
std::string render_prometheus(const Snapshot& snapshot, const ExpositionLabels& labels);

}  // namespace coffeehouse::metrics
