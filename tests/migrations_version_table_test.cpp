// alembic_version on a real database: one row per applied head, changed as Alembic changes it
// when a branch is entered, both heads are upgraded, a merge point is crossed, and downgrades
// come back across the merge.
#include "support/migrations_test.hpp"

namespace coffeehouse::testing {
namespace {

const std::string init(project::init);
const std::string surname(project::surname);
const std::string patronomic(project::patronomic);
const std::string merge(project::merge);

class MigrationsVersionTable : public MigrationsOnScratchDatabase {};

TEST_F(MigrationsVersionTable, IsCreatedAsAlembicCreatesIt) {
  migrate_or_fail({"upgrade", init});
  EXPECT_EQ(database_.column("SELECT column_name || ' ' || data_type || '(' || character_maximum_length || ') ' || "
                             "is_nullable FROM information_schema.columns WHERE table_name = 'alembic_version'"),
            Lines{"version_num character varying(32) NO"});
  EXPECT_EQ(database_.column("SELECT conname || ' ' || contype::text FROM pg_constraint "
                             "WHERE conrelid = 'alembic_version'::regclass"),
            Lines{"alembic_version_pkc p"});
}

TEST_F(MigrationsVersionTable, EnteringASecondBranchAddsARow) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  migrate_or_fail({"upgrade", surname}, workspace.path());
  EXPECT_EQ(database_.version_rows(), Lines{surname});

  const auto script = migrate_here({"upgrade", patronomic, "--sql"}, workspace.path());
  EXPECT_NE(script.out.find("INSERT INTO alembic_version (version_num) VALUES ('3c4d5e6f7a8b');"), std::string::npos)
      << script.out;

  migrate_or_fail({"upgrade", patronomic}, workspace.path());
  EXPECT_EQ(database_.version_rows(), (Lines{surname, patronomic}));
}

TEST_F(MigrationsVersionTable, UpgradeHeadsOnTwoBranchesKeepsOneRowPerHead) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  migrate_or_fail({"upgrade", "heads"}, workspace.path());
  EXPECT_EQ(database_.version_rows(), (Lines{surname, patronomic}));
  EXPECT_EQ(lines_of(migrate_here({"current"}, workspace.path()).out),
            (Lines{"2b3c4d5e6f7a (head), add users.surname", "3c4d5e6f7a8b (head), add users.patronomic"}));
}

TEST_F(MigrationsVersionTable, CrossingTheMergeLeavesTheMergeAsTheOnlyRow) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  migrate_or_fail({"upgrade", "heads"}, workspace.path());
  workspace.write(std::string(project::merge_file), read_text(project_versions_dir() / project::merge_file));
  const auto result = migrate_here({"upgrade", "head"}, workspace.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "Running upgrade 2b3c4d5e6f7a, 3c4d5e6f7a8b -> 4d5e6f7a8b9c, merge the surname and patronomic branches\n");
  EXPECT_EQ(database_.version_rows(), Lines{merge});
}

TEST_F(MigrationsVersionTable, DowngradesAcrossTheMergeSplitThenCloseTheBranches) {
  migrate_or_fail({"upgrade", "heads"});
  EXPECT_EQ(database_.version_rows(), Lines{merge});

  migrate_or_fail({"downgrade", "-1"});
  EXPECT_EQ(database_.version_rows(), (Lines{surname, patronomic})) << "across the merge one row becomes two";
  EXPECT_EQ(database_.users_columns(),
            (Lines{"id", "name", "has_sale", "address", "coffee_id", "surname", "patronomic"}));

  migrate_or_fail({"downgrade", "-1"});
  EXPECT_EQ(database_.version_rows(), Lines{surname}) << "closing the patronomic branch deletes its row";
  EXPECT_EQ(database_.users_columns(), (Lines{"id", "name", "has_sale", "address", "coffee_id", "surname"}));

  migrate_or_fail({"downgrade", "-1"});
  EXPECT_EQ(database_.version_rows(), Lines{init});

  migrate_or_fail({"downgrade", "-1"});
  EXPECT_TRUE(database_.version_rows().empty());
  EXPECT_TRUE(database_.has_table("alembic_version")) << "Alembic leaves the (empty) table in place";
  EXPECT_FALSE(database_.has_table("users"));
}

TEST_F(MigrationsVersionTable, DowngradeToOneParentOfTheMergeKeepsBothBranches) {
  migrate_or_fail({"upgrade", "heads"});
  migrate_or_fail({"downgrade", surname});
  EXPECT_EQ(database_.version_rows(), (Lines{surname, patronomic}));
  migrate_or_fail({"downgrade", init});
  EXPECT_EQ(database_.version_rows(), Lines{init});
  EXPECT_EQ(database_.users_columns(), (Lines{"id", "name", "has_sale", "address", "coffee_id"}));
}

TEST_F(MigrationsVersionTable, UpgradeFromOneBranchAppliesTheOtherThenMerges) {
  migrate_or_fail({"upgrade", patronomic});
  const auto result = migrate_here({"upgrade", "head"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(lines_of(result.out),
            (Lines{"Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f7a, add users.surname",
                   "Running upgrade 2b3c4d5e6f7a, 3c4d5e6f7a8b -> 4d5e6f7a8b9c, merge the surname and patronomic "
                   "branches"}));
  EXPECT_EQ(database_.version_rows(), Lines{merge});
}

}  // namespace
}  // namespace coffeehouse::testing
