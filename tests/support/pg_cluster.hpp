#pragma once
// scripts/pg-cluster, the one way the tests drive a PostgreSQL cluster's process: the suite's
// (COFFEEHOUSE_TEST_PG_CLUSTER_DIR, which scripts/test starts) and the private ones of the fault
// tests (support/reliability_cluster.hpp). No test runs it, or pg_ctl, through a shell itself.
#include <string>
#include <vector>

namespace coffeehouse::testing {

// `scripts/pg-cluster COMMAND --dir CLUSTER_DIR EXTRA...`; returns its stdout. Throws
// std::runtime_error with its stderr when it fails.
std::string pg_cluster(const std::string& cluster_dir, const std::string& command,
                       const std::vector<std::string>& extra_arguments = {});

// The directory of the suite's cluster, from COFFEEHOUSE_TEST_PG_CLUSTER_DIR; fails the test
// when it is unset.
std::string suite_cluster_dir();

}  // namespace coffeehouse::testing
