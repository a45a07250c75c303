// Every `coffeehouse migrate` subcommand through the real binary, against a scratch database
// where one is needed.
#include "support/migrations_cli.hpp"
#include "support/migrations_workspace.hpp"
#include "support/scratch_database.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace {

namespace project = coffeehouse::testing::project;
using coffeehouse::testing::generated_path;
using coffeehouse::testing::lines_of;
using coffeehouse::testing::migrate;
using coffeehouse::testing::diamond_versions_dir;
using coffeehouse::testing::read_text;
using coffeehouse::testing::run_coffeehouse;
using coffeehouse::testing::ScratchDatabase;
using coffeehouse::testing::unreachable_database_url;
using coffeehouse::testing::VersionsWorkspace;
using Lines = std::vector<std::string>;

std::string id(std::string_view revision) { return std::string(revision); }

TEST(MigrationsCommands, HistoryListsNewestFirstWithAlembicMarkers) {
  const auto result = migrate(diamond_versions_dir(), {"history"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(
      lines_of(result.out),
      (Lines{"2b3c4d5e6f7a, 3c4d5e6f7a8b -> 4d5e6f7a8b9c (head) (mergepoint), merge the surname and patronomic "
             "branches",
             "1a2b3c4d5e6f -> 3c4d5e6f7a8b, add users.patronomic", "1a2b3c4d5e6f -> 2b3c4d5e6f7a, add users.surname",
             "<base> -> 1a2b3c4d5e6f (branchpoint), init: the seed's coffee and users tables"}));
}

TEST(MigrationsCommands, HeadsListsEveryHeadWithItsMessage) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  const auto result = migrate(workspace.path(), {"heads"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(lines_of(result.out),
            (Lines{"2b3c4d5e6f7a (head), add users.surname", "3c4d5e6f7a8b (head), add users.patronomic"}));
}

TEST(MigrationsCommands, BranchesShowsEachBranchPointAndWhereItLeads) {
  const auto result = migrate(diamond_versions_dir(), {"branches"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(lines_of(result.out), (Lines{"1a2b3c4d5e6f (branchpoint), init: the seed's coffee and users tables",
                                         "             -> 2b3c4d5e6f7a, add users.surname",
                                         "             -> 3c4d5e6f7a8b, add users.patronomic"}));
}

TEST(MigrationsCommands, UpgradeReportsEachStepAsAlembicDoes) {
  ScratchDatabase database;
  const auto result = migrate(database, diamond_versions_dir(), {"upgrade", "heads"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(lines_of(result.out),
            (Lines{"Running upgrade  -> 1a2b3c4d5e6f, init: the seed's coffee and users tables",
                   "Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f7a, add users.surname",
                   "Running upgrade 1a2b3c4d5e6f -> 3c4d5e6f7a8b, add users.patronomic",
                   "Running upgrade 2b3c4d5e6f7a, 3c4d5e6f7a8b -> 4d5e6f7a8b9c, merge the surname and patronomic "
                   "branches"}));
  EXPECT_TRUE(result.err.empty()) << result.err;
  EXPECT_EQ(database.users_columns(),
            (Lines{"id", "name", "has_sale", "address", "coffee_id", "surname", "patronomic"}));
  EXPECT_TRUE(database.has_table("coffee"));
  EXPECT_EQ(database.column("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_idx' ORDER BY 1"),
            (Lines{"coffee_title_fts_idx", "users_coffee_id_idx", "users_country_id_idx"}));
}

TEST(MigrationsCommands, UpgradeAgainHasNothingToDo) {
  ScratchDatabase database;
  ASSERT_EQ(migrate(database, diamond_versions_dir(), {"upgrade", "heads"}).exit_code, 0);
  const auto again = migrate(database, diamond_versions_dir(), {"upgrade", "heads"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "");
}

TEST(MigrationsCommands, RelativeUpgradeAndDowngradeMoveBySteps) {
  ScratchDatabase database;
  ASSERT_EQ(migrate(database, diamond_versions_dir(), {"upgrade", "+2"}).exit_code, 0);
  EXPECT_EQ(database.version_rows(), Lines{id(project::surname)});
  const auto down = migrate(database, diamond_versions_dir(), {"downgrade", "-1"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(down.out, "Running downgrade 2b3c4d5e6f7a -> 1a2b3c4d5e6f, add users.surname\n");
  EXPECT_EQ(database.version_rows(), Lines{id(project::init)});
}

TEST(MigrationsCommands, UpgradeToAPrefixRunsWhatItDependsOn) {
  ScratchDatabase database;
  const auto result = migrate(database, diamond_versions_dir(), {"upgrade", "3c4d"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(database.version_rows(), Lines{id(project::patronomic)});
  EXPECT_EQ(database.users_columns(), (Lines{"id", "name", "has_sale", "address", "coffee_id", "patronomic"}));
}

TEST(MigrationsCommands, CurrentPrintsNothingOnAFreshDatabaseAndTheRowsAfterwards) {
  ScratchDatabase database;
  const auto fresh = migrate(database, diamond_versions_dir(), {"current"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(fresh.out, "");
  EXPECT_FALSE(database.has_table("alembic_version")) << "current must not create the version table";

  ASSERT_EQ(migrate(database, diamond_versions_dir(), {"upgrade", "heads"}).exit_code, 0);
  const auto upgraded = migrate(database, diamond_versions_dir(), {"current"});
  ASSERT_EQ(upgraded.exit_code, 0) << upgraded.err;
  EXPECT_EQ(upgraded.out, "4d5e6f7a8b9c (head) (mergepoint), merge the surname and patronomic branches\n");
}

TEST(MigrationsCommands, CheckExitsZeroOnlyAtTheHeads) {
  ScratchDatabase database;
  const auto fresh = migrate(database, diamond_versions_dir(), {"check"});
  EXPECT_EQ(fresh.exit_code, 1);
  EXPECT_EQ(fresh.err,
            "coffeehouse: error: database is not at the heads: alembic_version holds <base>, the heads are "
            "4d5e6f7a8b9c; run 'coffeehouse migrate upgrade heads'\n");

  ASSERT_EQ(migrate(database, diamond_versions_dir(), {"upgrade", "heads"}).exit_code, 0);
  const auto at_heads = migrate(database, diamond_versions_dir(), {"check"});
  EXPECT_EQ(at_heads.exit_code, 0) << at_heads.err;
  EXPECT_EQ(at_heads.out, "Database is at the heads: 4d5e6f7a8b9c\n");

  ASSERT_EQ(migrate(database, diamond_versions_dir(), {"downgrade", "-1"}).exit_code, 0);
  const auto behind = migrate(database, diamond_versions_dir(), {"check"});
  EXPECT_EQ(behind.exit_code, 1);
  EXPECT_NE(behind.err.find("alembic_version holds 2b3c4d5e6f7a, 3c4d5e6f7a8b"), std::string::npos) << behind.err;
}

TEST(MigrationsCommands, UpgradeSqlPrintsTheScriptAndChangesNothing) {
  ScratchDatabase database;
  const auto result = migrate(database, diamond_versions_dir(), {"upgrade", "heads", "--sql"});
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
  EXPECT_FALSE(database.has_table("alembic_version"));
  EXPECT_FALSE(database.has_table("users"));
}

TEST(MigrationsCommands, DowngradeSqlPrintsTheScriptAndChangesNothing) {
  ScratchDatabase database;
  ASSERT_EQ(migrate(database, diamond_versions_dir(), {"upgrade", "heads"}).exit_code, 0);
  const auto result = migrate(database, diamond_versions_dir(), {"downgrade", "base", "--sql"});
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
  EXPECT_EQ(database.version_rows(), Lines{id(project::merge)});
  EXPECT_TRUE(database.has_table("users"));
}

TEST(MigrationsCommands, RevisionFollowsTheSingleHead) {
  VersionsWorkspace workspace(
      {project::init_file, project::surname_file, project::patronomic_file, project::merge_file});
  const auto result = migrate(workspace.path(), {"revision", "-m", "Add users.nickname!"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto path = generated_path(result.out);
  EXPECT_EQ(path.parent_path(), workspace.path());
  EXPECT_TRUE(std::regex_match(path.filename().string(), std::regex("[0-9a-f]{12}_add_users_nickname\\.sql"))) << path;
  const auto new_id = path.filename().string().substr(0, 12);
  EXPECT_TRUE(
      std::regex_match(read_text(path), std::regex("-- revision: " + new_id +
                                                   "\n-- down_revision: 4d5e6f7a8b9c\n-- message: Add users.nickname!\n"
                                                   "-- create_date: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\n\n"
                                                   "-- upgrade\n\n-- downgrade\n")))
      << read_text(path);
  EXPECT_EQ(migrate(workspace.path(), {"heads"}).out, new_id + " (head), Add users.nickname!\n");
}

TEST(MigrationsCommands, RevisionWithHeadStartsABranchThere) {
  VersionsWorkspace workspace({project::init_file, project::surname_file});
  const auto result = migrate(workspace.path(), {"revision", "-m", "add users.patronomic", "--head", "1a2b"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(read_text(generated_path(result.out)).find("\n-- down_revision: 1a2b3c4d5e6f\n"), std::string::npos);
  EXPECT_EQ(lines_of(migrate(workspace.path(), {"heads"}).out).size(), 2U);
}

TEST(MigrationsCommands, RevisionWithHeadBaseStartsANewRoot) {
  VersionsWorkspace workspace({project::init_file});
  const auto result = migrate(workspace.path(), {"revision", "-m", "separate tree", "--head", "base"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(read_text(generated_path(result.out)).find("\n-- down_revision:\n"), std::string::npos);
}

TEST(MigrationsCommands, RevisionRefusesToGuessBetweenSeveralHeads) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  const auto result = migrate(workspace.path(), {"revision", "-m", "more"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: Multiple heads are present (2b3c4d5e6f7a, 3c4d5e6f7a8b); please specify the head "
            "revision on which the new revision should be based with --head REV, or join them first with "
            "'coffeehouse migrate merge -m MESSAGE heads'\n");
  EXPECT_EQ(workspace.file_names().size(), 3U) << "no file may be written";
}

TEST(MigrationsCommands, RevisionRefusesAnEmptyMessage) {
  VersionsWorkspace workspace({project::init_file});
  const auto result = migrate(workspace.path(), {"revision", "-m", "  "});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("the message (-m) is empty"), std::string::npos) << result.err;
}

TEST(MigrationsCommands, MergeHeadsWritesAMergePointRevisingEveryHead) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  const auto result = migrate(workspace.path(), {"merge", "-m", "merge surname and patronomic", "heads"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto path = generated_path(result.out);
  EXPECT_NE(read_text(path).find("\n-- down_revision: 2b3c4d5e6f7a, 3c4d5e6f7a8b\n"), std::string::npos);
  const auto new_id = path.filename().string().substr(0, 12);
  EXPECT_EQ(lines_of(migrate(workspace.path(), {"history"}).out).front(),
            "2b3c4d5e6f7a, 3c4d5e6f7a8b -> " + new_id + " (head) (mergepoint), merge surname and patronomic");
}

TEST(MigrationsCommands, MergeOfNamedRevisionsKeepsTheGivenOrder) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  const auto result = migrate(workspace.path(), {"merge", "-m", "join", "3c4d", "2b3c"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(read_text(generated_path(result.out)).find("\n-- down_revision: 3c4d5e6f7a8b, 2b3c4d5e6f7a\n"),
            std::string::npos);
}

TEST(MigrationsCommands, MergeRefusesWhenThereIsNothingToJoin) {
  const auto one_head = migrate(diamond_versions_dir(), {"merge", "-m", "join", "heads"});
  EXPECT_EQ(one_head.exit_code, 1);
  EXPECT_EQ(one_head.err, "coffeehouse: error: there is only one head (4d5e6f7a8b9c); nothing to merge\n");

  const auto ancestor = migrate(diamond_versions_dir(), {"merge", "-m", "join", "1a2b", "2b3c"});
  EXPECT_EQ(ancestor.exit_code, 1);
  EXPECT_EQ(ancestor.err,
            "coffeehouse: error: 1a2b3c4d5e6f is an ancestor of 2b3c4d5e6f7a; a merge joins revisions on different "
            "branches\n");
}

TEST(MigrationsCommands, EverySubcommandHasHelp) {
  for (const std::string command :
       {"upgrade", "downgrade", "current", "check", "history", "heads", "branches", "revision", "merge"}) {
    const auto result = run_coffeehouse({"migrate", command, "--help"});
    EXPECT_EQ(result.exit_code, 0) << command << ": " << result.err;
    EXPECT_NE(result.out.find("coffeehouse migrate " + command), std::string::npos) << result.out;
  }
  const auto overview = run_coffeehouse({"migrate", "--help"});
  EXPECT_EQ(overview.exit_code, 0);
  EXPECT_NE(overview.out.find("upgrade"), std::string::npos);
}

TEST(MigrationsCommands, DatabaseUrlComesFromTheEnvironmentWhenNotGiven) {
  ScratchDatabase database;
  const auto result =
      run_coffeehouse({"migrate", "upgrade", "heads", "--versions-dir", diamond_versions_dir().string()},
                      {"DATABASE_URL=" + database.url()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(database.version_rows(), Lines{id(project::merge)});
}

TEST(MigrationsCommands, DatabaseUrlFlagWinsOverTheEnvironment) {
  ScratchDatabase database;
  const auto result = run_coffeehouse({"migrate", "upgrade", "heads", "--database-url", database.url(),
                                       "--versions-dir", diamond_versions_dir().string()},
                                      {"DATABASE_URL=" + std::string(unreachable_database_url)});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(database.version_rows(), Lines{id(project::merge)});
}

TEST(MigrationsCommands, VersionsDirComesFromTheEnvironmentLikeServesAndTheFlagWins) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  const auto from_environment =
      run_coffeehouse({"migrate", "heads"}, {"COFFEEHOUSE_VERSIONS_DIR=" + workspace.path().string()});
  ASSERT_EQ(from_environment.exit_code, 0) << from_environment.err;
  EXPECT_EQ(lines_of(from_environment.out).size(), 2U) << from_environment.out;  // that directory has two heads

  const auto flag_wins = run_coffeehouse({"migrate", "heads", "--versions-dir", diamond_versions_dir().string()},
                                         {"COFFEEHOUSE_VERSIONS_DIR=/nonexistent/versions"});
  ASSERT_EQ(flag_wins.exit_code, 0) << flag_wins.err;
  EXPECT_EQ(lines_of(flag_wins.out).size(), 1U) << flag_wins.out;
}

TEST(MigrationsCommands, MissingDatabaseUrlIsAUsageError) {
  const auto result = run_coffeehouse({"migrate", "current", "--versions-dir", diamond_versions_dir().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--database-url"), std::string::npos) << result.err;
}

TEST(MigrationsCommands, MissingTargetIsAUsageError) {
  const auto result = run_coffeehouse({"migrate", "upgrade", "--database-url", unreachable_database_url});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("TARGET"), std::string::npos) << result.err;
}

TEST(MigrationsCommands, UnreachableDatabaseIsOneLineAndExitOne) {
  const auto result = migrate(diamond_versions_dir(), {"current", "--database-url", unreachable_database_url});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.err.starts_with("coffeehouse: error: cannot connect to ")) << result.err;
  EXPECT_EQ(lines_of(result.err).size(), 1U) << result.err;
}

TEST(MigrationsCommands, MissingVersionsDirectoryIsReported) {
  const auto result = migrate("/nonexistent/versions", {"heads"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: versions directory '/nonexistent/versions' does not exist (see --versions-dir)\n");
}

}  // namespace
