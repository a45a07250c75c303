#include "app/commands.hpp"
#include "app/config.hpp"
#include "app/service.hpp"
#include "db/conninfo.hpp"
#include "db/migrations/versions_directory.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

namespace coffeehouse::app {

namespace {

int serve(ServeConfig& config) {
  finish_serve_config(config);
  spdlog::set_level(config.log_level);

  std::vector<std::string> expected_heads;
  try {
    expected_heads = db::migrations::head_revisions(config.versions_dir);
  } catch (const std::exception& error) {
    throw CLI::ValidationError("--versions-dir", error.what());
  }
  std::sort(expected_heads.begin(), expected_heads.end());

  Service service(config, std::move(expected_heads));
  spdlog::info("coffeehouse {} serving on {}:{} | db-mode {} | threads {} | pool-size {} | database {}",
               COFFEEHOUSE_VERSION, config.listen_host, service.port(),
               config.db_mode == db::DbMode::async ? "async" : "sync", config.threads, config.pool_size,
               db::redact_conninfo(config.database_url));
  if (!config.database_read_url.empty()) {
    spdlog::info("reads from the replica {} while it lags by at most {} ms",
                 db::redact_conninfo(config.database_read_url), config.max_replica_lag.count());
  }
  service.stop_on_signals();
  service.run();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& root, int& exit_code) {
  auto* command = root.add_subcommand("serve", "Serve the HTTP API");
  auto config = std::make_shared<ServeConfig>();
  add_serve_options(*command, *config);
  command->callback([config, &exit_code] {
    try {
      exit_code = serve(*config);
    } catch (const CLI::Error&) {
      throw;  // bad flag values: reported by run_cli with exit code 2
    } catch (const std::exception& error) {
      spdlog::critical("cannot serve: {}", error.what());
      exit_code = 1;
    }
  });
}

}  // namespace coffeehouse::app
