// The `coffeehouse migrate` subcommands that read or change a database, through the real binary,
// each on a scratch database of its own. (Those that need none: tests/migrations_cli_test.cpp.)
#include "support/migrations_test.hpp"

namespace coffeehouse::testing {
namespace {

std::string id(std::string_view revision) { return std::string(revision); }

class MigrationsCommands : public MigrationsOnScratchDatabase {};

TEST_F(MigrationsCommands, UpgradeReportsEachStepAsAlembicDoes) {
  const auto result = migrate_here({"upgrade", "heads"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(lines_of(result.out),
            (Lines{"Running upgrade  -> 1a2b3c4d5e6f, init: the seed's coffee and users tables",
                   "Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f7a, add users.surname",
                   "Running upgrade 1a2b3c4d5e6f -> 3c4d5e6f7a8b, add users.patronomic",
                   "Running upgrade 2b3c4d5e6f7a, 3c4d5e6f7a8b -> 4d5e6f7a8b9c, merge the surname and patronomic "
                   "branches"}));
  EXPECT_TRUE(result.err.empty()) << result.err;
  EXPECT_EQ(database_.users_columns(),
            (Lines{"id", "name", "has_sale", "address", "coffee_id", "surname", "patronomic"}));
  EXPECT_TRUE(database_.has_table("coffee"));
  EXPECT_EQ(database_.column("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_idx' ORDER BY 1"),
            (Lines{"coffee_title_fts_idx", "users_coffee_id_idx", "users_country_id_idx"}));
}

TEST_F(MigrationsCommands, UpgradeAgainHasNothingToDo) {
  ASSERT_EQ(migrate_here({"upgrade", "heads"}).exit_code, 0);
  const auto again = migrate_here({"upgrade", "heads"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "");
}

TEST_F(MigrationsCommands, RelativeUpgradeAndDowngradeMoveBySteps) {
  ASSERT_EQ(migrate_here({"upgrade", "+2"}).exit_code, 0);
  EXPECT_EQ(database_.version_rows(), Lines{id(project::surname)});
  const auto down = migrate_here({"downgrade", "-1"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(down.out, "Running downgrade 2b3c4d5e6f7a -> 1a2b3c4d5e6f, add users.surname\n");
  EXPECT_EQ(database_.version_rows(), Lines{id(project::init)});
}

TEST_F(MigrationsCommands, UpgradeToAPrefixRunsWhatItDependsOn) {
  const auto result = migrate_here({"upgrade", "3c4d"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(database_.version_rows(), Lines{id(project::patronomic)});
  EXPECT_EQ(database_.users_columns(), (Lines{"id", "name", "has_sale", "address", "coffee_id", "patronomic"}));
}

TEST_F(MigrationsCommands, CurrentPrintsNothingOnAFreshDatabaseAndTheRowsAfterwards) {
  const auto fresh = migrate_here({"current"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(fresh.out, "");
  EXPECT_FALSE(database_.has_table("alembic_version")) << "current must not create the version table";

  ASSERT_EQ(migrate_here({"upgrade", "heads"}).exit_code, 0);
  const auto upgraded = migrate_here({"current"});
  ASSERT_EQ(upgraded.exit_code, 0) << upgraded.err;
  EXPECT_EQ(upgraded.out, "4d5e6f7a8b9c (head) (mergepoint), merge the surname and patronomic branches\n");
}

TEST_F(MigrationsCommands, CheckExitsZeroOnlyAtTheHeads) {
  const auto fresh = migrate_here({"check"});
  EXPECT_EQ(fresh.exit_code, 1);
  EXPECT_EQ(fresh.err,
            "coffeehouse: error: database is not at the heads: alembic_version holds <base>, the heads are "
            "4d5e6f7a8b9c; run 'coffeehouse migrate upgrade heads'\n");

  ASSERT_EQ(migrate_here({"upgrade", "heads"}).exit_code, 0);
  const auto at_heads = migrate_here({"check"});
  EXPECT_EQ(at_heads.exit_code, 0) << at_heads.err;
  EXPECT_EQ(at_heads.out, "Database is at the heads: 4d5e6f7a8b9c\n");

  ASSERT_EQ(migrate_here({"downgrade", "-1"}).exit_code, 0);
  const auto behind = migrate_here({"check"});
  EXPECT_EQ(behind.exit_code, 1);
  EXPECT_NE(behind.err.find("alembic_version holds 2b3c4d5e6f7a, 3c4d5e6f7a8b"), std::string::npos) << behind.err;
}

TEST_F(MigrationsCommands, UpgradeSqlPrintsTheScriptAndChangesNothing) {
  const auto result = migrate_here({"upgrade", "heads", "--sql"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto& sql = result.out;
  EXPECT_TRUE(
      sql.starts_with("CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL,\n"
                      "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n"))
      << sql;
  for (const std::string expected :
       {"-- Running upgrade  -> 1a2b3c4d5e6f, init: the seed's coffee and users tables\n\nBEGIN;\n\nCREATE TABLE "
        "coffee",
        "INSERT INTO alembic_version (version_num) VALUES ('1a2b3c4d5e6f');\n\nCOMMIT;",
        "ALTER TABLE users ADD COLUMN surname VARCHAR(50);\n\n"
        "UPDATE alembic_version SET version_num='2b3c4d5e6f7a' WHERE alembic_version.version_num = '1a2b3c4d5e6f';",
        "INSERT INTO alembic_version (version_num) VALUES ('3c4d5e6f7a8b');",
        "DELETE FROM alembic_version WHERE alembic_version.version_num = '2b3c4d5e6f7a';\n\n"
        "UPDATE alembic_version SET version_num='4d5e6f7a8b9c' WHERE alembic_version.version_num = '3c4d5e6f7a8b';"}) {
    EXPECT_NE(sql.find(expected), std::string::npos) << "missing:\n" << expected << "\nin:\n" << sql;
  }
  EXPECT_FALSE(database_.has_table("alembic_version"));
  EXPECT_FALSE(database_.has_table("users"));
}

TEST_F(MigrationsCommands, DowngradeSqlPrintsTheScriptAndChangesNothing) {
  ASSERT_EQ(migrate_here({"upgrade", "heads"}).exit_code, 0);
  const auto result = migrate_here({"downgrade", "base", "--sql"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(result.out.starts_with("CREATE TABLE")) << "the table exists already";
  for (const std::string expected :
       {"-- Running downgrade 4d5e6f7a8b9c -> 2b3c4d5e6f7a, 3c4d5e6f7a8b, merge the surname and patronomic branches",
        "INSERT INTO alembic_version (version_num) VALUES ('2b3c4d5e6f7a');\n\n"
        "UPDATE alembic_version SET version_num='3c4d5e6f7a8b' WHERE alembic_version.version_num = '4d5e6f7a8b9c';",
        "DROP TABLE users;\nDROP TABLE coffee;\n\nDELETE FROM alembic_version WHERE alembic_version.version_num = "
        "'1a2b3c4d5e6f';\n\nCOMMIT;"}) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << "missing:\n" << expected << "\nin:\n" << result.out;
  }
  EXPECT_EQ(database_.version_rows(), Lines{id(project::merge)});
  EXPECT_TRUE(database_.has_table("users"));
}

TEST_F(MigrationsCommands, DatabaseUrlComesFromTheEnvironmentWhenNotGiven) {
  const auto result =
      run_coffeehouse({"migrate", "upgrade", "heads", "--versions-dir", diamond_versions_dir().string()},
                      {"DATABASE_URL=" + database_.url()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(database_.version_rows(), Lines{id(project::merge)});
}

TEST_F(MigrationsCommands, DatabaseUrlFlagWinsOverTheEnvironment) {
  const auto result = run_coffeehouse({"migrate", "upgrade", "heads", "--database-url", database_.url(),
                                       "--versions-dir", diamond_versions_dir().string()},
                                      {"DATABASE_URL=" + std::string(unreachable_database_url)});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(database_.version_rows(), Lines{id(project::merge)});
}

}  // namespace
}  // namespace coffeehouse::testing
