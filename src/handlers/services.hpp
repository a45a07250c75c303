#pragma once
// What handlers may use. One Services per io thread: its pool belongs to that thread alone.
#include "db/pool.hpp"

#include <atomic>
#include <string>
#include <vector>

namespace coffeehouse::handlers {

// State shared by every io thread, read-only after start-up except for the atomic flag.
struct AppState {
  std::vector<std::string> expected_heads;  // sorted head revisions of schema/versions
  std::atomic<bool> seeding_finished{true};  // false while the first start's seeding runs
};

struct Services {
  db::Pool& pool;
  const AppState& state;
};

}  // namespace coffeehouse::handlers
