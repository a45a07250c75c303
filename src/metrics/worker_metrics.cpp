#include "metrics/worker_metrics.hpp"

#include <fmt/format.h>

#include <map>
#include <tuple>

namespace coffeehouse::metrics {

void WorkerMetrics::record_request(std::size_t route, boost::beast::http::verb method, unsigned status,
                                   std::chrono::nanoseconds duration) {
  if (route >= request_durations_.size()) route = request_durations_.size() - 1;
  ++requests_[RequestKey{route, method, status}];
  request_durations_[route].observe(duration);
}

void WorkerMetrics::merge(const WorkerMetrics& other) {
  for (const auto& [key, count] : other.requests_) requests_[key] += count;
  if (request_durations_.size() < other.request_durations_.size())
    request_durations_.resize(other.request_durations_.size());
  for (std::size_t i = 0; i < other.request_durations_.size(); ++i) {
    request_durations_[i].merge(other.request_durations_[i]);
  }
}

namespace {

// Label values are route patterns, method names and a version: escape what the format requires.
std::string escaped(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string format_bound(double bound) { return fmt::format("{}", bound); }

void render_histogram(std::string& out, std::string_view name, std::string_view labels, const Histogram& histogram) {
  const std::string separator = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < latency_bounds.size(); ++i) {
    cumulative += histogram.bucket(i);
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, separator, format_bound(latency_bounds[i]),
                       cumulative);
  }
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, separator, histogram.count());
  const std::string braces = labels.empty() ? "" : fmt::format("{{{}}}", labels);
  out += fmt::format("{}_sum{} {}\n", name, braces, histogram.sum_seconds());
  out += fmt::format("{}_count{} {}\n", name, braces, histogram.count());
}

void render_reads(std::string& out, const ReadGauges& reads) {
  out += "# HELP db_reads_total Read statements by the pool that answered them (replica: --database-read-url).\n";
  out += "# TYPE db_reads_total counter\n";
  out += fmt::format("db_reads_total{{pool=\"primary\"}} {}\n", reads.primary_reads);
  out += fmt::format("db_reads_total{{pool=\"replica\"}} {}\n", reads.replica_reads);
  if (!reads.replica_configured) return;
  out += "# HELP db_replica_serving io threads whose reads go to the replica now (the others read from the primary).\n";
  out += "# TYPE db_replica_serving gauge\n";
  out += fmt::format("db_replica_serving {}\n", reads.threads_on_replica);
  out += "# HELP db_replica_threads io threads that may read from the replica.\n";
  out += "# TYPE db_replica_threads gauge\n";
  out += fmt::format("db_replica_threads {}\n", reads.threads);
  if (reads.replica_lag_ms >= 0) {
    out += "# HELP db_replica_lag_seconds The replica's replay lag at its last check (the largest an io thread saw).\n";
    out += "# TYPE db_replica_lag_seconds gauge\n";
    out += fmt::format("db_replica_lag_seconds {:.3f}\n", static_cast<double>(reads.replica_lag_ms) / 1000.0);
  }
  out +=
      "# HELP db_replica_fallbacks_total Reads the primary answered for the replica: the replica failed "
      "(unavailable), or a lookup missed on it (read-your-writes).\n";
  out += "# TYPE db_replica_fallbacks_total counter\n";
  out += fmt::format("db_replica_fallbacks_total{{reason=\"unavailable\"}} {}\n", reads.replica_failures);
  out += fmt::format("db_replica_fallbacks_total{{reason=\"miss\"}} {}\n", reads.misses_rechecked);
  out += "# HELP db_replica_pool_connections Connections to the replica by state, over all io threads.\n";
  out += "# TYPE db_replica_pool_connections gauge\n";
  out += fmt::format("db_replica_pool_connections{{state=\"idle\"}} {}\n", reads.replica_pool.idle);
  out += fmt::format("db_replica_pool_connections{{state=\"in_use\"}} {}\n", reads.replica_pool.in_use);
  out += fmt::format("db_replica_pool_connections{{state=\"connecting\"}} {}\n", reads.replica_pool.connecting);
}

}  // namespace

std::string render_prometheus(const Snapshot& snapshot, const ExpositionLabels& labels) {
  const auto route_name = [&](std::size_t route) -> std::string {
    return route < labels.route_patterns->size() ? escaped((*labels.route_patterns)[route]) : "unmatched";
  };
  std::string out;
  out += "# HELP coffeehouse_info Build and database mode of this process.\n";
  out += "# TYPE coffeehouse_info gauge\n";
  out += fmt::format("coffeehouse_info{{version=\"{}\",db_mode=\"{}\"}} 1\n", escaped(labels.version),
                     escaped(labels.db_mode));

  out += "# HELP http_requests_total HTTP requests answered, by route pattern, method and status.\n";
  out += "# TYPE http_requests_total counter\n";
  // Sorted, so successive scrapes list series in the same order.
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> sorted;
  for (const auto& [key, count] : snapshot.requests.requests()) {
    sorted[{route_name(key.route), std::string(boost::beast::http::to_string(key.method)), key.status}] += count;
  }
  for (const auto& [key, count] : sorted) {
    const auto& [route, method, status] = key;
    out += fmt::format("http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", route, method, status,
                       count);
  }

  out += "# HELP http_request_duration_seconds Time from a parsed request to its response, by route pattern.\n";
  out += "# TYPE http_request_duration_seconds histogram\n";
  const auto& durations = snapshot.requests.request_durations();
  for (std::size_t route = 0; route < durations.size(); ++route) {
    if (durations[route].count() == 0) continue;
    render_histogram(out, "http_request_duration_seconds", fmt::format("route=\"{}\"", route_name(route)),
                     durations[route]);
  }

  out += "# HELP db_query_duration_seconds Time from sending a statement to its last result.\n";
  out += "# TYPE db_query_duration_seconds histogram\n";
  render_histogram(out, "db_query_duration_seconds", "", snapshot.query_durations);

  out += "# HELP db_pool_connections Database connections by state, over all io threads.\n";
  out += "# TYPE db_pool_connections gauge\n";
  out += fmt::format("db_pool_connections{{state=\"idle\"}} {}\n", snapshot.pool.idle);
  out += fmt::format("db_pool_connections{{state=\"in_use\"}} {}\n", snapshot.pool.in_use);
  out += fmt::format("db_pool_connections{{state=\"connecting\"}} {}\n", snapshot.pool.connecting);
  out += "# HELP db_pool_waiters Requests waiting for a database connection.\n";
  out += "# TYPE db_pool_waiters gauge\n";
  out += fmt::format("db_pool_waiters {}\n", snapshot.pool.waiters);
  out +=
      "# HELP db_pool_refusals_total Requests that got no database connection: waiter queue full "
      "(overloaded), acquire timeout, or database unreachable (unavailable).\n";
  out += "# TYPE db_pool_refusals_total counter\n";
  out += fmt::format("db_pool_refusals_total{{reason=\"overloaded\"}} {}\n", snapshot.pool.refused_overloaded);
  out += fmt::format("db_pool_refusals_total{{reason=\"acquire_timeout\"}} {}\n", snapshot.pool.refused_timed_out);
  out += fmt::format("db_pool_refusals_total{{reason=\"unavailable\"}} {}\n", snapshot.pool.refused_unavailable);
  out +=
      "# HELP http_requests_in_progress Requests being worked on, at most --max-in-progress per io thread "
      "(probes and /metrics are not counted).\n";
  out += "# TYPE http_requests_in_progress gauge\n";
  out += fmt::format("http_requests_in_progress {}\n", snapshot.admission.in_progress);
  out += "# HELP http_requests_queued Requests waiting in line for a place among them.\n";
  out += "# TYPE http_requests_queued gauge\n";
  out += fmt::format("http_requests_queued {}\n", snapshot.admission.queued);
  out += "# HELP http_requests_shed_total Requests answered 503 overloaded after waiting --queue-timeout-ms in line.\n";
  out += "# TYPE http_requests_shed_total counter\n";
  out += fmt::format("http_requests_shed_total {}\n", snapshot.admission.refused);
  render_reads(out, snapshot.reads);
  return out;
}

}  // namespace coffeehouse::metrics
