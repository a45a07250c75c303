#include "support/pg_cluster.hpp"

#include "support/child_process.hpp"
#include "support/test_env.hpp"

#include <stdexcept>

namespace coffeehouse::testing {

std::string pg_cluster(const std::string& cluster_dir, const std::string& command,
                       const std::vector<std::string>& extra_arguments) {
  std::vector<std::string> arguments{std::string(COFFEEHOUSE_SOURCE_DIR) + "/scripts/pg-cluster", command, "--dir",
                                     cluster_dir};
  arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
  auto result = run_process(std::move(arguments), inherited_environment([](std::string_view) { return false; }));
  if (result.exit_code != 0) {
    throw std::runtime_error("`pg-cluster " + command + " --dir " + cluster_dir + "` failed (exit " +
                             std::to_string(result.exit_code) + "): " + result.err);
  }
  return std::move(result.out);
}

std::string suite_cluster_dir() { return required_env("COFFEEHOUSE_TEST_PG_CLUSTER_DIR"); }

}  // namespace coffeehouse::testing
