#include "support/service_fixture.hpp"

#include "db/conninfo.hpp"
#include "db/migrations/versions_directory.hpp"
#include "support/admin_sql.hpp"
#include "support/api_test.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

namespace coffeehouse::testing {

namespace {

app::ServeConfig config_on(std::string database_url, db::DbMode mode) {
  app::ServeConfig config;
  config.database_url = std::move(database_url);
  config.listen = "127.0.0.1:0";
  config.db_mode = mode;
  config.threads = 2;
  config.pool_size = 4;
  config.versions_dir = versions_dir();
  config.seed = app::SeedMode::never;
  return config;
}

}  // namespace

app::ServeConfig test_config(db::DbMode mode) { return config_on(database_url(), mode); }

app::ServeConfig offline_config() { return config_on(unreachable_database_url, db::DbMode::async); }

app::ServeConfig on_one_thread_with_bench_routes(app::ServeConfig config) {
  config.threads = 1;
  config.bench_routes = true;
  return config;
}

app::ServeConfig test_config(const ServiceSetup& setup) {
  auto config = test_config(setup.mode);
  config.db_pipeline = setup.pipeline;
  if (setup.through_pgbouncer) {
    config.database_url = pgbouncer_url();
    config.db_prepared_statements = false;
  }
  return config;
}

std::vector<ServiceSetup> every_setup() {
  return {{.mode = db::DbMode::async},
          {.mode = db::DbMode::sync},
          {.mode = db::DbMode::async, .through_pgbouncer = true},
          {.mode = db::DbMode::sync, .through_pgbouncer = true},
          {.mode = db::DbMode::async, .pipeline = true, .through_pgbouncer = true}};
}

std::string setup_name(const ::testing::TestParamInfo<ServiceSetup>& info) {
  const auto& setup = info.param;
  std::string name = setup.mode == db::DbMode::sync ? "Sync" : setup.pipeline ? "Pipelined" : "Async";
  if (setup.through_pgbouncer) name += "PgBouncer";
  return name;
}

RunningService::RunningService(app::ServeConfig config) {
  spdlog::set_level(spdlog::level::warn);
  app::finish_serve_config(config);
  auto expected_heads = db::migrations::head_revisions(config.versions_dir);
  std::sort(expected_heads.begin(), expected_heads.end());
  service_ = std::make_unique<app::Service>(config, std::move(expected_heads));
  runner_ = std::thread([service = service_.get()] { service->run(); });
}

RunningService::~RunningService() { stop(); }

void RunningService::stop() {
  if (!runner_.joinable()) return;
  service_->request_stop();
  runner_.join();
}

std::string query_scalar(const std::string& sql, std::initializer_list<std::string> params) {
  const auto conn = connect_or_throw(database_url());
  const auto rows = first_column(conn.get(), sql, params);
  return rows.empty() ? std::string() : rows.front();
}

std::int64_t insert_coffee(const std::string& title, const std::string& notes_array_literal) {
  return std::stoll(
      query_scalar("INSERT INTO coffee (title, origin, intensifier, notes) VALUES ($1, 'Huila, Colombia', 'bright', "
                   "$2) RETURNING id",
                   {title, notes_array_literal}));
}

void delete_coffee(std::int64_t id) {
  // One statement: its UPDATE and DELETE see the same users, so no user committed before it
  // still points at the coffee when the row goes.
  query_scalar(
      "WITH detached AS (UPDATE users SET coffee_id = NULL WHERE coffee_id = $1) "
      "DELETE FROM coffee WHERE id = $1",
      {std::to_string(id)});
}

}  // namespace coffeehouse::testing
