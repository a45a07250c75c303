// The fault tests' main: gtest's, with the environment through which every private cluster is
// made (support/reliability_cluster.hpp), so that none outlives the run.
#include "support/reliability_cluster.hpp"

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new coffeehouse::testing::PrivateClusters);  // gtest owns it
  return RUN_ALL_TESTS();
}
