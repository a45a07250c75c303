#include "app/config.hpp"

#include "db/conninfo.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <map>
#include <thread>

namespace coffeehouse::app {

namespace {

void add_milliseconds_option(CLI::App& command, const std::string& flag, std::chrono::milliseconds& target,
                             const std::string& env, const std::string& description) {
  command
      .add_option_function<std::int64_t>(
          flag, [&target](std::int64_t value) { target = std::chrono::milliseconds(value); }, description)
      ->envname(env)
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{3'600'000}))
      ->default_str(std::to_string(target.count()));
}

// A flag that takes one of a few words (case-insensitive) and stores the matching value.
template <class T>
void add_choice_option(CLI::App& command, const std::string& flag, T& target, std::map<std::string, T> choices,
                       const std::string& env, const std::string& default_word, const std::string& description) {
  std::string words;
  for (const auto& [word, value] : choices) words += (words.empty() ? "" : "|") + word;
  command.add_option(flag, target, description)
      ->envname(env)
      ->transform(CLI::CheckedTransformer(std::move(choices), CLI::ignore_case).description(""))
      ->type_name(words)
      ->default_str(default_word);
}

}  // namespace

void add_serve_options(CLI::App& command, ServeConfig& config) {
  config.threads = std::max(1u, std::thread::hardware_concurrency());
  config.pool_size = config.threads * 2;

  command.add_option("--database-url", config.database_url, "libpq connection URI or key=value string")
      ->envname("DATABASE_URL")
      ->capture_default_str();
  command
      .add_option("--database-read-url", config.database_read_url,
                  "libpq URL of a read replica for the read routes (default: none, reads use --database-url)")
      ->envname("COFFEEHOUSE_DATABASE_READ_URL");
  add_milliseconds_option(command, "--max-replica-lag-ms", config.max_replica_lag, "COFFEEHOUSE_MAX_REPLICA_LAG_MS",
                          "a replica whose replay lags more than this is not read from; reads go to the primary");
  add_milliseconds_option(command, "--replica-check-interval-ms", config.replica_check_interval,
                          "COFFEEHOUSE_REPLICA_CHECK_INTERVAL_MS",
                          "how often each io thread checks the replica's health and lag");
  command.add_option("--listen", config.listen, "address to serve on, HOST:PORT (port 0 picks a free one)")
      ->envname("COFFEEHOUSE_LISTEN")
      ->capture_default_str();
  add_choice_option(command, "--db-mode", config.db_mode, {{"async", db::DbMode::async}, {"sync", db::DbMode::sync}},
                    "COFFEEHOUSE_DB_MODE", "async", "async: nonblocking libpq; sync: each query blocks its io thread");
  add_choice_option(command, "--db-pipeline", config.db_pipeline, {{"on", true}, {"off", false}},
                    "COFFEEHOUSE_DB_PIPELINE", "off",
                    "async mode: on pipelines several requests' statements on one connection; off gives each its own");
  command
      .add_option("--db-pipeline-depth", config.db_pipeline_depth,
                  "async mode with --db-pipeline on: statements in flight per connection at most")
      ->envname("COFFEEHOUSE_DB_PIPELINE_DEPTH")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}))
      ->capture_default_str();
  add_choice_option(command, "--db-prepared-statements", config.db_prepared_statements, {{"on", true}, {"off", false}},
                    "COFFEEHOUSE_DB_PREPARED_STATEMENTS", "on",
                    "on prepares statements per connection; off sends each with its text and settings, for a "
                    "transaction pooler (PgBouncer)");
  command.add_option("--threads", config.threads, "io threads, each with its own event loop and connections")
      ->envname("COFFEEHOUSE_THREADS")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  command.add_option("--pool-size", config.pool_size, "database connections in all, split across io threads")
      ->envname("COFFEEHOUSE_POOL_SIZE")
      ->check(CLI::Range(1u, 10'000u))
      ->capture_default_str();
  command.add_option("--max-waiters", config.max_waiters, "requests that may queue for a connection per io thread")
      ->envname("COFFEEHOUSE_MAX_WAITERS")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))
      ->capture_default_str();
  add_milliseconds_option(command, "--acquire-timeout-ms", config.acquire_timeout, "COFFEEHOUSE_ACQUIRE_TIMEOUT_MS",
                          "longest wait for a free connection before 503");
  command
      .add_option("--max-in-progress", config.max_in_progress,
                  "requests each io thread works on at once; more wait in line, first come first served")
      ->envname("COFFEEHOUSE_MAX_IN_PROGRESS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  add_milliseconds_option(command, "--queue-timeout-ms", config.queue_timeout, "COFFEEHOUSE_QUEUE_TIMEOUT_MS",
                          "longest wait in line for --max-in-progress before 503 overloaded");
  add_milliseconds_option(command, "--read-timeout-ms", config.read_timeout, "COFFEEHOUSE_READ_TIMEOUT_MS",
                          "longest time to read one whole request once its first byte arrived");
  add_milliseconds_option(command, "--idle-timeout-ms", config.idle_timeout, "COFFEEHOUSE_IDLE_TIMEOUT_MS",
                          "how long a keep-alive connection may sit idle between requests");
  add_milliseconds_option(command, "--statement-timeout-ms", config.statement_timeout,
                          "COFFEEHOUSE_STATEMENT_TIMEOUT_MS",
                          "PostgreSQL cancels a longer statement; the request gets 504");
  command.add_option("--max-connections", config.max_connections, "client connections served at once; more get 503")
      ->envname("COFFEEHOUSE_MAX_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  command
      .add_option("--max-header-bytes", config.max_header_bytes,
                  "request line and headers together; larger is 431 and the connection closes")
      ->envname("COFFEEHOUSE_MAX_HEADER_BYTES")
      ->check(CLI::Range(std::uint32_t{1024}, std::uint32_t{1024 * 1024}))
      ->capture_default_str();
  command
      .add_option("--max-body-bytes", config.max_body_bytes, "request body; larger is 413 and the connection closes")
      ->envname("COFFEEHOUSE_MAX_BODY_BYTES")
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{64} * 1024 * 1024))
      ->capture_default_str();
  command
      .add_option("--max-json-depth", config.max_json_depth,
                  "nesting levels of a JSON body (the body is 1); deeper is 400")
      ->envname("COFFEEHOUSE_MAX_JSON_DEPTH")
      ->check(CLI::Range(2u, 1000u))
      ->capture_default_str();
  add_milliseconds_option(command, "--shutdown-grace-ms", config.shutdown_grace, "COFFEEHOUSE_SHUTDOWN_GRACE_MS",
                          "how long in-flight requests may take to finish on SIGINT/SIGTERM");
  command.add_option("--versions-dir", config.versions_dir, "migration revisions, for /readyz's schema check")
      ->envname("COFFEEHOUSE_VERSIONS_DIR")
      ->capture_default_str();
  add_choice_option(command, "--seed", config.seed, {{"auto", SeedMode::automatic}, {"never", SeedMode::never}},
                    "COFFEEHOUSE_SEED", "auto", "auto: fill empty tables with sample data at start-up; never");
  add_seed_source_options(command, config.seed_source);
  command
      .add_flag("--enable-bench-routes", config.bench_routes,
                "serve GET /bench/sleep?ms=N (a slow query, for scripts/bench)")
      ->envname("COFFEEHOUSE_ENABLE_BENCH_ROUTES");
  add_choice_option(command, "--log-level", config.log_level,
                    {{"trace", spdlog::level::trace},
                     {"debug", spdlog::level::debug},
                     {"info", spdlog::level::info},
                     {"warn", spdlog::level::warn},
                     {"error", spdlog::level::err},
                     {"critical", spdlog::level::critical},
                     {"off", spdlog::level::off}},
                    "COFFEEHOUSE_LOG_LEVEL", "info", "info logs one line per request; warn and above do not");
}

void add_seed_source_options(CLI::App& command, seed::SeedSourceOptions& options) {
  add_choice_option(command, "--seed-source", options.source,
                    {{"api", seed::SeedSource::api}, {"offline", seed::SeedSource::offline}}, "COFFEEHOUSE_SEED_SOURCE",
                    "api", "api: random-data-api.com, offline generator as fallback; offline");
  command.add_option("--seed-api-base", options.api_base_url, "base URL of the seed API (tests, mirrors)")
      ->envname("COFFEEHOUSE_SEED_API_BASE")
      ->capture_default_str();
  command
      .add_option("--seed-ca-file", options.client.extra_ca_file, "PEM file of CAs trusted besides the system store")
      ->envname("COFFEEHOUSE_SEED_CA_FILE")
      ->check(CLI::ExistingFile);
  add_milliseconds_option(command, "--seed-deadline-ms", options.client.total_deadline, "COFFEEHOUSE_SEED_DEADLINE_MS",
                          "how long the seed API may take, retries included, before the offline fallback");
}

void finish_serve_config(ServeConfig& config) {
  if (const auto error = db::conninfo_error(config.database_url); !error.empty()) {
    throw CLI::ValidationError("--database-url", error);
  }
  if (!config.database_read_url.empty()) {
    if (const auto error = db::conninfo_error(config.database_read_url); !error.empty()) {
      throw CLI::ValidationError("--database-read-url", error);
    }
  }
  const auto colon = config.listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw CLI::ValidationError("--listen", "expected HOST:PORT, got '" + config.listen + "'");
  }
  auto host = config.listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto port_text = std::string_view(config.listen).substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    throw CLI::ValidationError("--listen",
                               "port must be a number from 0 to 65535, got '" + std::string(port_text) + "'");
  }
  boost::system::error_code address_error;
  boost::asio::ip::make_address(host, address_error);
  if (address_error) {
    throw CLI::ValidationError("--listen", "'" + host + "' is not an IP address");
  }
  if (config.pool_size < config.threads) {
    throw CLI::ValidationError("--pool-size", "must be at least --threads (" + std::to_string(config.threads) +
                                                  "): every io thread needs its own connection");
  }
  config.listen_host = std::move(host);
  config.listen_port = static_cast<std::uint16_t>(port);
}

unsigned pool_share(const ServeConfig& config, unsigned index) {
  return config.pool_size / config.threads + (index < config.pool_size % config.threads ? 1u : 0u);
}

}  // namespace coffeehouse::app
