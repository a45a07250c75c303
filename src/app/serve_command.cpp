#include "app/commands.hpp"

namespace coffeehouse::app {

void add_serve_command(CLI::App& root, int& exit_code) {
  auto* command = root.add_subcommand("serve", "Serve the HTTP API");
  command->callback([&exit_code] { exit_code = 1; });
}

}  // namespace coffeehouse::app
