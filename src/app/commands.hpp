#pragma once
// The binary's subcommands. Each add_*_command registers one subcommand on the root app;
// its callback stores the process exit code in `exit_code` (0 success, 1 failure at run time;
// bad flags never get that far: they exit with 2 from the parser).
#include <CLI/CLI.hpp>

namespace coffeehouse::app {

void add_serve_command(CLI::App& root, int& exit_code);
void add_migrate_command(CLI::App& root, int& exit_code);
void add_seed_command(CLI::App& root, int& exit_code);
void add_version_command(CLI::App& root, int& exit_code);
void add_statements_command(CLI::App& root, int& exit_code);

// Parses argv, runs the chosen subcommand and returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace coffeehouse::app
