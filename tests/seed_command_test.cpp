// `coffeehouse seed` through the real binary on a scratch database: what an operator sees on
// success. (On failure: tests/seed_data_test.cpp.)
#include "support/migrations_cli.hpp"
#include "support/migrations_workspace.hpp"
#include "support/scratch_database.hpp"

#include <gtest/gtest.h>

namespace coffeehouse::testing {
namespace {

TEST(SeedCommand, AddsTheRequestedCountOfflineAndSaysSo) {
  ScratchDatabase database;
  const auto migrated = migrate(database, project_versions_dir(), {"upgrade", "heads"});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;

  const auto seeded =
      run_coffeehouse({"seed", "--count", "7", "--seed-source", "offline", "--database-url", database.url()});
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  EXPECT_EQ(seeded.out, "added 7 coffees and 7 users\n");
  EXPECT_EQ(database.column("SELECT count(*) FROM coffee"), std::vector<std::string>{"7"});
  EXPECT_EQ(database.column("SELECT count(*) FROM users"), std::vector<std::string>{"7"});
}

}  // namespace
}  // namespace coffeehouse::testing
