#include "app/commands.hpp"
#include "db/statements.hpp"

#include <iostream>

namespace coffeehouse::app {

// Hidden: a tool for scripts/bench, which gives pgbench the very SQL text the service prepares
// (copying it into the script would let the two drift apart).
void add_statements_command(CLI::App& root, int& exit_code) {
  auto* command = root.add_subcommand("statements", "List the prepared statements' names, or print one's SQL");
  command->group("");
  auto name = std::make_shared<std::string>();
  command->add_option("--sql", *name, "Print the SQL text of the statement NAME")->option_text("NAME");
  command->callback([&exit_code, name] {
    exit_code = 0;
    if (name->empty()) {
      for (const auto* statement : db::all_statements()) std::cout << statement->name << '\n';
      return;
    }
    if (const auto* statement = db::find_statement(*name)) {
      std::cout << statement->sql << '\n';
      return;
    }
    std::cerr << "coffeehouse: error: --sql: no statement named '" << *name
              << "' (list them with 'coffeehouse statements')\n";
    exit_code = 2;
  });
}

}  // namespace coffeehouse::app
