#include "app/commands.hpp"

#include "db/conninfo.hpp"

#include <libpq-fe.h>

#include <iostream>

namespace coffeehouse::app {

int run_cli(int argc, char** argv) {
  CLI::App root{"coffeehouse: an HTTP/JSON coffee and users service over PostgreSQL", "coffeehouse"};
  root.require_subcommand(1);
  int exit_code = 0;
  add_serve_command(root, exit_code);
  add_migrate_command(root, exit_code);
  add_seed_command(root, exit_code);
  add_version_command(root, exit_code);
  add_statements_command(root, exit_code);
  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return root.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return root.exit(help);
  } catch (const CLI::ParseError& error) {
    // One line naming the flag, exit 2: scripts can tell a usage error from a run-time failure.
    std::cerr << "coffeehouse: error: " << db::redact_passwords(error.what()) << " (see --help)\n";
    return 2;
  }
  return exit_code;
}

void add_version_command(CLI::App& root, int& exit_code) {
  auto* command = root.add_subcommand("version", "Print the version and exit");
  command->callback([&exit_code] {
    std::cout << "coffeehouse " << COFFEEHOUSE_VERSION << " (libpq " << PQlibVersion() << ")\n";
    exit_code = 0;
  });
}

}  // namespace coffeehouse::app
