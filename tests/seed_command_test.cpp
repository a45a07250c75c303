// `coffeehouse seed` through the real binary: what an operator sees on success and on failure.
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

TEST(SeedCommand, UnreachableDatabaseIsOneLineAndExitOne) {
  const auto result =
      run_coffeehouse({"seed", "--count", "1", "--seed-source", "offline", "--database-url", unreachable_database_url});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.err.starts_with("coffeehouse: error: ")) << result.err;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
}

}  // namespace
}  // namespace coffeehouse::testing
