#include "app/commands.hpp"

namespace coffeehouse::app {

void add_migrate_command(CLI::App& root, int& exit_code) {
  auto* command = root.add_subcommand("migrate", "Apply schema migrations");
  command->callback([&exit_code] { exit_code = 1; });
}

}  // namespace coffeehouse::app
