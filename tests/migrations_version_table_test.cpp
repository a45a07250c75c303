// alembic_version on a real database: one row per applied head, changed as Alembic changes it
// when a branch is entered, both heads are upgraded, a merge point is crossed, and downgrades
// come back across the merge.
#include "support/migrations_cli.hpp"
#include "support/migrations_workspace.hpp"
#include "support/scratch_database.hpp"

#include <gtest/gtest.h>

namespace {

namespace project = coffeehouse::testing::project;
using coffeehouse::testing::lines_of;
using coffeehouse::testing::migrate;
using coffeehouse::testing::diamond_versions_dir;
using coffeehouse::testing::project_versions_dir;
using coffeehouse::testing::ScratchDatabase;
using coffeehouse::testing::VersionsWorkspace;
using Lines = std::vector<std::string>;

const std::string init(project::init);
const std::string surname(project::surname);
const std::string patronomic(project::patronomic);
const std::string merge(project::merge);

void run(const ScratchDatabase& database, const std::filesystem::path& versions_dir, std::vector<std::string> args) {
  const auto result = migrate(database, versions_dir, args);
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

TEST(MigrationsVersionTable, IsCreatedAsAlembicCreatesIt) {
  ScratchDatabase database;
  run(database, diamond_versions_dir(), {"upgrade", init});
  EXPECT_EQ(database.column("SELECT column_name || ' ' || data_type || '(' || character_maximum_length || ') ' || "
                            "is_nullable FROM information_schema.columns WHERE table_name = 'alembic_version'"),
            Lines{"version_num character varying(32) NO"});
  EXPECT_EQ(database.column("SELECT conname || ' ' || contype::text FROM pg_constraint "
                            "WHERE conrelid = 'alembic_version'::regclass"),
            Lines{"alembic_version_pkc p"});
}

TEST(MigrationsVersionTable, EnteringASecondBranchAddsARow) {
  ScratchDatabase database;
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  run(database, workspace.path(), {"upgrade", surname});
  EXPECT_EQ(database.version_rows(), Lines{surname});

  const auto script = migrate(database, workspace.path(), {"upgrade", patronomic, "--sql"});
  EXPECT_NE(script.out.find("INSERT INTO alembic_version (version_num) VALUES ('3c4d5e6f7a8b');"), std::string::npos)
      << script.out;

  run(database, workspace.path(), {"upgrade", patronomic});
  EXPECT_EQ(database.version_rows(), (Lines{surname, patronomic}));
}

TEST(MigrationsVersionTable, UpgradeHeadsOnTwoBranchesKeepsOneRowPerHead) {
  ScratchDatabase database;
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  run(database, workspace.path(), {"upgrade", "heads"});
  EXPECT_EQ(database.version_rows(), (Lines{surname, patronomic}));
  EXPECT_EQ(lines_of(migrate(database, workspace.path(), {"current"}).out),
            (Lines{"2b3c4d5e6f7a (head), add users.surname", "3c4d5e6f7a8b (head), add users.patronomic"}));
}

TEST(MigrationsVersionTable, CrossingTheMergeLeavesTheMergeAsTheOnlyRow) {
  ScratchDatabase database;
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  run(database, workspace.path(), {"upgrade", "heads"});
  workspace.write(std::string(project::merge_file),
                  coffeehouse::testing::read_text(project_versions_dir() / project::merge_file));
  const auto result = migrate(database, workspace.path(), {"upgrade", "head"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "Running upgrade 2b3c4d5e6f7a, 3c4d5e6f7a8b -> 4d5e6f7a8b9c, merge the surname and patronomic branches\n");
  EXPECT_EQ(database.version_rows(), Lines{merge});
}

TEST(MigrationsVersionTable, DowngradesAcrossTheMergeSplitThenCloseTheBranches) {
  ScratchDatabase database;
  run(database, diamond_versions_dir(), {"upgrade", "heads"});
  EXPECT_EQ(database.version_rows(), Lines{merge});

  run(database, diamond_versions_dir(), {"downgrade", "-1"});
  EXPECT_EQ(database.version_rows(), (Lines{surname, patronomic})) << "across the merge one row becomes two";
  EXPECT_EQ(database.users_columns(),
            (Lines{"id", "name", "has_sale", "address", "coffee_id", "surname", "patronomic"}));

  run(database, diamond_versions_dir(), {"downgrade", "-1"});
  EXPECT_EQ(database.version_rows(), Lines{surname}) << "closing the patronomic branch deletes its row";
  EXPECT_EQ(database.users_columns(), (Lines{"id", "name", "has_sale", "address", "coffee_id", "surname"}));

  run(database, diamond_versions_dir(), {"downgrade", "-1"});
  EXPECT_EQ(database.version_rows(), Lines{init});

  run(database, diamond_versions_dir(), {"downgrade", "-1"});
  EXPECT_TRUE(database.version_rows().empty());
  EXPECT_TRUE(database.has_table("alembic_version")) << "Alembic leaves the (empty) table in place";
  EXPECT_FALSE(database.has_table("users"));
}

TEST(MigrationsVersionTable, DowngradeToOneParentOfTheMergeKeepsBothBranches) {
  ScratchDatabase database;
  run(database, diamond_versions_dir(), {"upgrade", "heads"});
  run(database, diamond_versions_dir(), {"downgrade", surname});
  EXPECT_EQ(database.version_rows(), (Lines{surname, patronomic}));
  run(database, diamond_versions_dir(), {"downgrade", init});
  EXPECT_EQ(database.version_rows(), Lines{init});
  EXPECT_EQ(database.users_columns(), (Lines{"id", "name", "has_sale", "address", "coffee_id"}));
}

TEST(MigrationsVersionTable, UpgradeFromOneBranchAppliesTheOtherThenMerges) {
  ScratchDatabase database;
  run(database, diamond_versions_dir(), {"upgrade", patronomic});
  const auto result = migrate(database, diamond_versions_dir(), {"upgrade", "head"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(lines_of(result.out),
            (Lines{"Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f7a, add users.surname",
                   "Running upgrade 2b3c4d5e6f7a, 3c4d5e6f7a8b -> 4d5e6f7a8b9c, merge the surname and patronomic "
                   "branches"}));
  EXPECT_EQ(database.version_rows(), Lines{merge});
}

}  // namespace
