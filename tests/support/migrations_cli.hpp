#pragma once
// Running the real `coffeehouse` binary (COFFEEHOUSE_BINARY_PATH) the way an operator does, with
// its stdout, stderr and exit code captured. DATABASE_URL is taken out of the inherited
// environment so that only what a test passes reaches the binary.
#include "support/child_process.hpp"
#include "support/scratch_database.hpp"
#include "support/test_env.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace coffeehouse::testing {

using CliResult = ProcessResult;

// The binary running in the background, for tests that need two at once.
class CliProcess : public ChildProcess {
 public:
  CliProcess(const std::vector<std::string>& args, const std::vector<std::string>& extra_environment);
};

// `coffeehouse <args...>`; extra_environment holds "NAME=value" entries.
CliResult run_coffeehouse(const std::vector<std::string>& args, const std::vector<std::string>& extra_environment = {});

// `coffeehouse migrate <args...> --versions-dir <versions_dir>`: the commands that need no database.
CliResult migrate(const std::filesystem::path& versions_dir, std::vector<std::string> args);
// The same with `--database-url` set to the scratch database.
CliResult migrate(const ScratchDatabase& database, const std::filesystem::path& versions_dir,
                  std::vector<std::string> args);

// Output split into lines, without the trailing newline.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace coffeehouse::testing
