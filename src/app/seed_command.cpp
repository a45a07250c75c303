#include "app/commands.hpp"
#include "app/config.hpp"
#include "db/conninfo.hpp"
#include "db/seed_store.hpp"
#include "seed/seed_source.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <iostream>
#include <memory>

namespace coffeehouse::app {

namespace {

struct SeedCommandOptions {
  std::string database_url = "postgresql://localhost/skillbox_db";
  std::size_t count = 10;
  seed::SeedSourceOptions source;
};

int run_seed(const SeedCommandOptions& options) {
  if (const auto error = db::conninfo_error(options.database_url); !error.empty()) {
    throw CLI::ValidationError("--database-url", error);
  }
  // The same async pool and client the service uses, on a private event loop. A large --count
  // is one long INSERT, so no statement timeout here. Nothing is prepared: a one-off command runs
  // a few statements once, and so works through a transaction pooler as it is.
  boost::asio::io_context io{1};
  auto pool = db::Pool::create(io.get_executor(), db::PoolOptions{.max_connections = 1},
                               db::make_connection_factory(db::DbMode::async, io.get_executor(),
                                                           db::ConnectionOptions{.database_url = options.database_url,
                                                                                 .statement_timeout = {},
                                                                                 .prepared_statements = false}));
  seed::SeedDataSource source(options.source);
  auto result = boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<db::Result<db::SeedStored>> {
        const auto data = co_await source.obtain(options.count);
        co_return co_await db::SeedStore(*pool).store(data, db::SeedPolicy::always);
      },
      boost::asio::use_future);
  io.run();
  pool->close();
  const auto stored = result.get();
  if (!stored) {
    std::cerr << "coffeehouse: error: " << stored.error().message << '\n';
    return 1;
  }
  std::cout << "added " << stored->coffees << " coffees and " << stored->users << " users\n";
  return 0;
}

}  // namespace

void add_seed_command(CLI::App& root, int& exit_code) {
  auto* command = root.add_subcommand("seed", "Add sample coffees and users (from the seed API or offline)");
  auto options = std::make_shared<SeedCommandOptions>();
  command->add_option("--database-url", options->database_url, "libpq connection URI or key=value string")
      ->envname("DATABASE_URL")
      ->capture_default_str();
  command->add_option("--count", options->count, "how many coffees, and as many users, to add")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
      ->capture_default_str();
  add_seed_source_options(*command, options->source);
  command->callback([options, &exit_code] {
    spdlog::set_level(spdlog::level::warn);
    exit_code = run_seed(*options);
  });
}

}  // namespace coffeehouse::app
