#pragma once
// Every setting of `coffeehouse serve`, parsed in one place. Each flag has an environment
// variable; a flag given on the command line wins over its variable.
#include "db/connection.hpp"
#include "seed/seed_source.hpp"

#include <spdlog/common.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace coffeehouse::app {

enum class SeedMode : std::uint8_t { automatic, never };

struct ServeConfig {
  std::string database_url = "postgresql://localhost/skillbox_db";
  // Empty: reads go to database_url too. Else the read routes use a pool of their own on it
  // while it is healthy (db/read_routing.hpp).
  std::string database_read_url;
  std::chrono::milliseconds max_replica_lag{5000};
  std::chrono::milliseconds replica_check_interval{500};
  std::string listen = "127.0.0.1:8080";
  db::DbMode db_mode = db::DbMode::async;
  // Async mode: several requests' statements in flight on one connection (libpq pipeline mode).
  bool db_pipeline = false;
  std::size_t db_pipeline_depth = 16;
  // Off: nothing outlives one exchange with the server, for transaction poolers (PgBouncer).
  bool db_prepared_statements = true;
  unsigned threads = 2;
  unsigned pool_size = 4;
  std::size_t max_waiters = 1024;
  std::chrono::milliseconds acquire_timeout{2000};
  // Per io thread: requests worked on at once; the rest wait in line for up to queue_timeout.
  std::size_t max_in_progress = 128;
  std::chrono::milliseconds queue_timeout{3000};
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds statement_timeout{10'000};
  std::size_t max_connections = 10'000;
  std::uint32_t max_header_bytes = 8 * 1024;
  std::uint64_t max_body_bytes = 1024 * 1024;
  unsigned max_json_depth = 32;
  std::chrono::milliseconds shutdown_grace{10'000};
  std::string versions_dir = "schema/versions";
  SeedMode seed = SeedMode::automatic;
  bool bench_routes = false;
  seed::SeedSourceOptions seed_source;
  spdlog::level::level_enum log_level = spdlog::level::info;

  // Derived from `listen` by finish_serve_config.
  std::string listen_host;
  std::uint16_t listen_port = 0;
};

// Registers the serve flags on `command`, writing into `config`.
void add_serve_options(CLI::App& command, ServeConfig& config);

// --seed-source, --seed-api-base, --seed-ca-file, --seed-deadline-ms: shared by serve and seed.
void add_seed_source_options(CLI::App& command, seed::SeedSourceOptions& options);

// Checks what CLI11's validators cannot (cross-flag rules, the URL, HOST:PORT) and fills the
// derived fields. Throws CLI::ValidationError naming the flag.
void finish_serve_config(ServeConfig& config);

// How many connections io thread `index` gets: pool_size split as evenly as possible.
unsigned pool_share(const ServeConfig& config, unsigned index);

}  // namespace coffeehouse::app
