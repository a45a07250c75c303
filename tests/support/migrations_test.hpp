#pragma once
// The fixture of the migration tests that apply revisions: a scratch database of the test's own
// and `coffeehouse migrate` run against it. (Tests of the commands that need no database use
// migrate(versions_dir, args) from support/migrations_cli.hpp alone.)
#include "support/migrations_cli.hpp"
#include "support/migrations_workspace.hpp"
#include "support/scratch_database.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace coffeehouse::testing {

using Lines = std::vector<std::string>;

class MigrationsOnScratchDatabase : public ::testing::Test {
 protected:
  // `coffeehouse migrate ARGS --versions-dir VERSIONS --database-url <this test's database>`.
  CliResult migrate_here(std::vector<std::string> args,
                         const std::filesystem::path& versions = diamond_versions_dir()) const {
    return migrate(database_, versions, std::move(args));
  }
  // The same, failing the test unless the command succeeds.
  void migrate_or_fail(std::vector<std::string> args,
                       const std::filesystem::path& versions = diamond_versions_dir()) const {
    const auto result = migrate_here(std::move(args), versions);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  ScratchDatabase database_;
};

}  // namespace coffeehouse::testing
