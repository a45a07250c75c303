#include "support/migrations_cli.hpp"

#include <sstream>

namespace coffeehouse::testing {
namespace {

std::vector<std::string> coffeehouse_command(const std::vector<std::string>& args) {
  std::vector<std::string> command{COFFEEHOUSE_BINARY_PATH};
  command.insert(command.end(), args.begin(), args.end());
  return command;
}

}  // namespace

CliProcess::CliProcess(const std::vector<std::string>& args, const std::vector<std::string>& extra_environment)
    : ChildProcess(coffeehouse_command(args),
                   inherited_environment([](std::string_view entry) { return entry.starts_with("DATABASE_URL="); },
                                         extra_environment)) {}

CliResult run_coffeehouse(const std::vector<std::string>& args, const std::vector<std::string>& extra_environment) {
  return CliProcess(args, extra_environment).wait();
}

CliResult migrate(const std::filesystem::path& versions_dir, std::vector<std::string> args) {
  args.insert(args.begin(), "migrate");
  args.insert(args.end(), {"--versions-dir", versions_dir.string()});
  return run_coffeehouse(args);
}

CliResult migrate(const ScratchDatabase& database, const std::filesystem::path& versions_dir,
                  std::vector<std::string> args) {
  args.insert(args.end(), {"--database-url", database.url()});
  return migrate(versions_dir, std::move(args));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace coffeehouse::testing
