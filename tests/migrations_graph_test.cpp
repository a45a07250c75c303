// The revision graph and the versions directory: structure, markers, id resolution and every
// way a directory can be malformed.
#include "db/migrations/revision_graph.hpp"
#include "db/migrations/versions_directory.hpp"
#include "support/migrations_graphs.hpp"
#include "support/migrations_workspace.hpp"

#include <gtest/gtest.h>

namespace {

namespace migrations = coffeehouse::db::migrations;
namespace project = coffeehouse::testing::project;
using coffeehouse::testing::diamond;
using coffeehouse::testing::graph_of;
using coffeehouse::testing::try_graph;
using coffeehouse::testing::VersionsWorkspace;
using Ids = std::vector<std::string>;

std::string graph_error(const std::vector<std::pair<std::string, std::vector<std::string>>>& revisions) {
  auto graph = try_graph(revisions);
  EXPECT_FALSE(graph) << "built although invalid";
  return graph ? std::string() : graph.error().message;
}

TEST(MigrationsGraph, ProjectHistoryHasOneHead) {
  EXPECT_EQ(migrations::head_revisions(coffeehouse::testing::project_versions_dir()),
            Ids{std::string(project::title_tsv)});
}

TEST(MigrationsGraph, HeadRevisionsAreSortedWhenThereAreSeveral) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  EXPECT_EQ(migrations::head_revisions(workspace.path()),
            (Ids{std::string(project::surname), std::string(project::patronomic)}));
}

TEST(MigrationsGraph, HeadRevisionsThrowsNamingTheProblem) {
  VersionsWorkspace workspace({project::surname_file});
  try {
    migrations::head_revisions(workspace.path());
    FAIL() << "no exception for a revision whose parent is missing";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("revises '1a2b3c4d5e6f', which is not in the versions directory"),
              std::string::npos)
        << error.what();
  }
}

TEST(MigrationsGraph, MissingDirectoryIsReportedWithTheFlag) {
  auto graph = migrations::load_versions_directory("/nonexistent/versions");
  ASSERT_FALSE(graph);
  EXPECT_EQ(graph.error().message, "versions directory '/nonexistent/versions' does not exist (see --versions-dir)");
}

TEST(MigrationsGraph, OnlySqlFilesAreRevisions) {
  VersionsWorkspace workspace({project::init_file});
  workspace.write("README.md", "not a revision");
  auto graph = migrations::load_versions_directory(workspace.path());
  ASSERT_TRUE(graph) << graph.error().message;
  EXPECT_EQ(graph->heads(), Ids{std::string(project::init)});
}

TEST(MigrationsGraph, FileNamesDoNotDecideOrder) {
  VersionsWorkspace workspace;
  workspace.write("0001_later.sql",
                  "-- revision: later\n-- down_revision: earlier\n-- message: later\n\n-- upgrade\n-- downgrade\n");
  workspace.write("0002_earlier.sql",
                  "-- revision: earlier\n-- down_revision:\n-- message: earlier\n\n-- upgrade\n-- downgrade\n");
  auto graph = migrations::load_versions_directory(workspace.path());
  ASSERT_TRUE(graph) << graph.error().message;
  EXPECT_EQ(graph->heads(), Ids{"later"});
  EXPECT_EQ(graph->newest_first(), (Ids{"later", "earlier"}));
}

TEST(MigrationsGraph, MalformedFileIsReportedWithItsPath) {
  VersionsWorkspace workspace({project::init_file});
  workspace.write("broken.sql", "-- revision: broken\n-- message: x\n\n-- upgrade\n-- downgrade\n");
  auto graph = migrations::load_versions_directory(workspace.path());
  ASSERT_FALSE(graph);
  EXPECT_EQ(graph.error().message,
            (workspace.path() / "broken.sql").string() + ": missing header line '-- down_revision: ...'");
}

TEST(MigrationsGraph, DuplicateIdsAreReportedWithBothFiles) {
  VersionsWorkspace workspace;
  const std::string text = "-- revision: a\n-- down_revision:\n-- message: a\n\n-- upgrade\n-- downgrade\n";
  workspace.write("one.sql", text);
  workspace.write("two.sql", text);
  auto graph = migrations::load_versions_directory(workspace.path());
  ASSERT_FALSE(graph);
  EXPECT_EQ(graph.error().message, "duplicate revision id 'a' in " + (workspace.path() / "one.sql").string() + " and " +
                                       (workspace.path() / "two.sql").string());
}

TEST(MigrationsGraph, MissingParentIsReported) {
  EXPECT_EQ(graph_error({{"a", {}}, {"b", {"zzz"}}}),
            "revision 'b' (b.sql) revises 'zzz', which is not in the versions directory");
}

TEST(MigrationsGraph, CycleIsReportedAlongItsPath) {
  EXPECT_EQ(graph_error({{"a", {"c"}}, {"b", {"a"}}, {"c", {"b"}}}),
            "revision cycle: a -> c -> b -> a (each revises the next)");
  EXPECT_EQ(graph_error({{"a", {"a"}}}), "revision cycle: a -> a (each revises the next)");
}

TEST(MigrationsGraph, MarkersFollowTheShape) {
  const auto graph = diamond();
  EXPECT_TRUE(graph.is_branch_point("init"));
  EXPECT_FALSE(graph.is_merge_point("init"));
  EXPECT_TRUE(graph.is_merge_point("merge"));
  EXPECT_TRUE(graph.is_head("merge"));
  EXPECT_FALSE(graph.is_head("surname"));
  EXPECT_EQ(graph.children("init"), (Ids{"patronomic", "surname"}));
}

TEST(MigrationsGraph, ExactIdWinsOverLongerIdsItPrefixes) {
  const auto graph = graph_of({{"ab", {}}, {"abc", {"ab"}}});
  EXPECT_EQ(*graph.resolve("ab"), "ab");
}

TEST(MigrationsGraph, UniquePrefixResolves) { EXPECT_EQ(*diamond().resolve("pat"), "patronomic"); }

TEST(MigrationsGraph, UnknownIdIsReported) {
  auto resolved = diamond().resolve("nope");
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().message, "Can't locate revision identified by 'nope'");
}

TEST(MigrationsGraph, AmbiguousPrefixListsTheCandidates) {
  const auto graph = graph_of({{"abc1", {}}, {"abc2", {"abc1"}}});
  auto resolved = graph.resolve("abc");
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().message, "Ambiguous revision 'abc': it starts abc1, abc2; give more characters");
}

TEST(MigrationsGraph, ParentsFirstRunsEachBranchThroughBeforeTheNext) {
  const auto graph =
      graph_of({{"root", {}}, {"a1", {"root"}}, {"a2", {"a1"}}, {"b1", {"root"}}, {"b2", {"b1"}}, {"m", {"a2", "b2"}}});
  EXPECT_EQ(graph.parents_first({"m"}, {}), (Ids{"root", "a1", "a2", "b1", "b2", "m"}));
  EXPECT_EQ(graph.parents_first({"m"}, {"root", "a1"}), (Ids{"a2", "b1", "b2", "m"}));
}

}  // namespace
