// What keeps a database safe: a failing step leaves nothing behind, concurrent upgrades are
// serialized, and bad input is refused before any database is contacted.
#include "db/migrations/version_table.hpp"
#include "support/migrations_cli.hpp"
#include "support/migrations_workspace.hpp"
#include "support/scratch_database.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace {

namespace project = coffeehouse::testing::project;
using coffeehouse::testing::CliProcess;
using coffeehouse::testing::CliResult;
using coffeehouse::testing::lines_of;
using coffeehouse::testing::migrate;
using coffeehouse::testing::diamond_versions_dir;
using coffeehouse::testing::project_versions_dir;
using coffeehouse::testing::ScratchDatabase;
using coffeehouse::testing::unreachable_database_url;
using coffeehouse::testing::VersionsWorkspace;
using Lines = std::vector<std::string>;

const Lines seed_columns{"id", "name", "has_sale", "address", "coffee_id"};

// A test holding the migrators' advisory lock stands in for a migration that is still running.
const std::string lock_key(coffeehouse::db::migrations::version_table::migration_lock_key);

std::size_t running_lines(const CliResult& result) {
  const auto lines = lines_of(result.out);
  return static_cast<std::size_t>(std::count_if(
      lines.begin(), lines.end(), [](const std::string& line) { return line.starts_with("Running upgrade"); }));
}

TEST(MigrationsSafety, FailingUpgradeStepIsRolledBackAndNamed) {
  ScratchDatabase database;
  VersionsWorkspace workspace({project::init_file});
  // The first statement succeeds on its own; the transaction must take it back with the second.
  workspace.write_revision("badbadbad001", std::string(project::init),
                           "ALTER TABLE users ADD COLUMN nickname TEXT;\nALTER TABLE no_such_table ADD COLUMN x INT;",
                           "ALTER TABLE users DROP COLUMN nickname;");
  const auto result = migrate(database, workspace.path(), {"upgrade", "heads"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: upgrade badbadbad001 (revision badbadbad001) failed and was rolled back: relation "
            "\"no_such_table\" does not exist\n");
  EXPECT_EQ(database.version_rows(), Lines{std::string(project::init)}) << "the step before it stays applied";
  EXPECT_EQ(database.users_columns(), seed_columns) << "nickname must be rolled back";
}

TEST(MigrationsSafety, FailingDowngradeStepIsRolledBack) {
  ScratchDatabase database;
  VersionsWorkspace workspace({project::init_file});
  workspace.write_revision("badbadbad002", std::string(project::init), "ALTER TABLE users ADD COLUMN nickname TEXT;",
                           "ALTER TABLE users DROP COLUMN nickname;\nSELECT 1/0;");
  ASSERT_EQ(migrate(database, workspace.path(), {"upgrade", "heads"}).exit_code, 0);
  const auto result = migrate(database, workspace.path(), {"downgrade", "base"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: downgrade badbadbad002 (revision badbadbad002) failed and was rolled back: division "
            "by zero\n");
  EXPECT_EQ(database.version_rows(), Lines{"badbadbad002"});
  EXPECT_EQ(database.users_columns().back(), "nickname");
}

TEST(MigrationsSafety, ConcurrentUpgradesAreSerializedAndTheSecondFindsTheWorkDone) {
  ScratchDatabase database;
  // Hold the migration lock so that both upgrades are certainly waiting at the same time.
  const auto holder = database.connect();
  coffeehouse::db::PgResultPtr locked(PQexec(holder.get(), ("SELECT pg_advisory_lock(" + lock_key + ")").c_str()));
  ASSERT_EQ(PQresultStatus(locked.get()), PGRES_TUPLES_OK) << PQerrorMessage(holder.get());

  CliProcess first({"migrate", "upgrade", "heads", "--versions-dir", diamond_versions_dir().string(), "--database-url",
                    database.url()},
                   {});
  CliProcess second({"migrate", "upgrade", "heads", "--versions-dir", diamond_versions_dir().string(), "--database-url",
                     database.url()},
                    {});
  const auto waiting = [&database] {
    return database.column(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())");
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (waiting() != Lines{"2"} && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(waiting(), Lines{"2"}) << "both upgrades should be waiting for the lock";
  EXPECT_FALSE(database.has_table("alembic_version")) << "nothing may happen before the lock is taken";

  coffeehouse::db::PgResultPtr unlocked(PQexec(holder.get(), ("SELECT pg_advisory_unlock(" + lock_key + ")").c_str()));
  const auto first_result = first.wait();
  const auto second_result = second.wait();
  EXPECT_EQ(first_result.exit_code, 0) << first_result.err;
  EXPECT_EQ(second_result.exit_code, 0) << second_result.err;
  // One of them ran all four steps; the other found them done.
  const auto first_steps = running_lines(first_result);
  const auto second_steps = running_lines(second_result);
  EXPECT_EQ(first_steps + second_steps, 4U) << first_result.out << "---\n" << second_result.out;
  EXPECT_TRUE(first_steps == 0 || second_steps == 0) << first_result.out << "---\n" << second_result.out;
  EXPECT_EQ(database.version_rows(), Lines{std::string(project::merge)});
}

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
  workspace.write("copy_of_init.sql", coffeehouse::testing::read_text(project_versions_dir() / project::init_file));
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

TEST(MigrationsSafety, UpgradeHeadWithSeveralHeadsChangesNothing) {
  ScratchDatabase database;
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  const auto result = migrate(database, workspace.path(), {"upgrade", "head"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: Multiple head revisions are present for given argument 'head'; please specify a "
            "specific target revision, or 'heads' for all heads, or join them with 'coffeehouse migrate merge -m "
            "MESSAGE heads' (heads: 2b3c4d5e6f7a, 3c4d5e6f7a8b)\n");
  EXPECT_FALSE(database.has_table("alembic_version"));
  EXPECT_FALSE(database.has_table("users"));
}

TEST(MigrationsSafety, UnknownRevisionInTheDatabaseIsReportedAndNothingChanges) {
  ScratchDatabase database;
  database.execute(
      "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
      "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('0ddba11')");
  const auto result = migrate(database, diamond_versions_dir(), {"upgrade", "heads"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: alembic_version holds '0ddba11', which is not a revision in the versions directory\n");
  EXPECT_EQ(database.version_rows(), Lines{"0ddba11"});
  EXPECT_FALSE(database.has_table("users"));
}

}  // namespace
