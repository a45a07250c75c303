// The `coffeehouse migrate` subcommands that need no database, through the real binary: the
// listings, writing revision and merge files, help, and usage errors. (Those that change a
// database: tests/migrations_commands_test.cpp.)
#include "support/migrations_cli.hpp"
#include "support/migrations_workspace.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace coffeehouse::testing {
namespace {

using Lines = std::vector<std::string>;

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
}  // namespace coffeehouse::testing
