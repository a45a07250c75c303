#pragma once
// What handlers may use. One Services per io thread: its stores use that thread's pool alone.
#include "db/bench_store.hpp"
#include "db/coffee_store.hpp"
#include "db/schema_store.hpp"
#include "db/user_store.hpp"
#include "metrics/worker_metrics.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace coffeehouse::handlers {

// State shared by every io thread, read-only after start-up except for the atomic flag.
struct AppState {
  std::vector<std::string> expected_heads;   // sorted head revisions of schema/versions
  std::atomic<bool> seeding_finished{true};  // false while the first start's seeding runs
  bool bench_routes = false;                 // --enable-bench-routes
  unsigned max_json_depth = 32;              // --max-json-depth
};

struct Services {
  db::UserStore users;
  db::CoffeeStore coffee;
  db::SchemaStore schema;
  db::BenchStore bench;
  const db::ReadRouting& reads;  // which pool serves reads (for /readyz)
  const AppState& state;
  // Metrics merged over every io thread (each thread is asked for its own copy).
  std::function<boost::asio::awaitable<metrics::Snapshot>()> collect_metrics;
  std::function<const metrics::ExpositionLabels&()> exposition_labels;
};

}  // namespace coffeehouse::handlers
