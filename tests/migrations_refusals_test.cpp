// Bad input to `coffeehouse migrate` is refused before any database is contacted: each command
// here runs against a URL nothing listens on, so a message other than the connection failure
// proves it. (What keeps a database safe while revisions run: tests/migrations_safety_test.cpp.)
#include "support/migrations_cli.hpp"
#include "support/migrations_workspace.hpp"

#include <gtest/gtest.h>

namespace coffeehouse::testing {
namespace {

// Runs `args` against a database nothing listens on and expects exactly `message`: had the
// command tried the database first, it would have reported the connection failure instead.
void expect_refused_before_connecting(const std::filesystem::path& versions_dir, std::vector<std::string> args,
                                      const std::string& message) {
  args.insert(args.end(), {"--database-url", unreachable_database_url});
  const auto result = migrate(versions_dir, args);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "coffeehouse: error: " + message + "\n");
}

TEST(MigrationsSafety, UnknownTargetIsRefusedBeforeTheDatabaseIsTouched) {
  expect_refused_before_connecting(diamond_versions_dir(), {"upgrade", "ffff"},
                                   "Can't locate revision identified by 'ffff'");
  expect_refused_before_connecting(diamond_versions_dir(), {"downgrade", "ffff"},
                                   "Can't locate revision identified by 'ffff'");
}

TEST(MigrationsSafety, AmbiguousTargetIsRefusedBeforeTheDatabaseIsTouched) {
  VersionsWorkspace workspace;
  workspace.write_revision("abc111", "", "SELECT 1;");
  workspace.write_revision("abc222", "abc111", "SELECT 1;");
  expect_refused_before_connecting(workspace.path(), {"upgrade", "abc"},
                                   "Ambiguous revision 'abc': it starts abc111, abc222; give more characters");
}

TEST(MigrationsSafety, CycleIsRefusedBeforeTheDatabaseIsTouched) {
  VersionsWorkspace workspace;
  workspace.write_revision("aaa", "ccc", "SELECT 1;");
  workspace.write_revision("bbb", "aaa", "SELECT 1;");
  workspace.write_revision("ccc", "bbb", "SELECT 1;");
  expect_refused_before_connecting(workspace.path(), {"upgrade", "heads"},
                                   "revision cycle: aaa -> ccc -> bbb -> aaa (each revises the next)");
}

TEST(MigrationsSafety, MissingParentIsRefusedBeforeTheDatabaseIsTouched) {
  VersionsWorkspace workspace({project::init_file, project::merge_file});
  expect_refused_before_connecting(workspace.path(), {"upgrade", "heads"},
                                   "revision '4d5e6f7a8b9c' (" + (workspace.path() / project::merge_file).string() +
                                       ") revises '2b3c4d5e6f7a', which is not in the versions directory");
}

TEST(MigrationsSafety, DuplicateIdIsRefusedBeforeTheDatabaseIsTouched) {
  VersionsWorkspace workspace({project::init_file});
  workspace.write("copy_of_init.sql", read_text(project_versions_dir() / project::init_file));
  expect_refused_before_connecting(workspace.path(), {"upgrade", "heads"},
                                   "duplicate revision id '1a2b3c4d5e6f' in " +
                                       (workspace.path() / project::init_file).string() + " and " +
                                       (workspace.path() / "copy_of_init.sql").string());
}

TEST(MigrationsSafety, MalformedFileIsRefusedBeforeTheDatabaseIsTouched) {
  VersionsWorkspace workspace({project::init_file});
  workspace.write("broken.sql",
                  "-- revision: broken\n-- down_revision: 1a2b3c4d5e6f\n-- message: x\n\nDROP TABLE users;\n");
  expect_refused_before_connecting(workspace.path(), {"downgrade", "base"},
                                   (workspace.path() / "broken.sql").string() +
                                       ":5: text before the '-- upgrade' marker (is a header line misspelt?)");
}

}  // namespace
}  // namespace coffeehouse::testing
