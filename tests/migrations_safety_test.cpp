// What keeps a database safe while revisions run: a failing step leaves nothing behind,
// concurrent upgrades are serialized, and what the database holds is checked before anything
// changes. (Bad input refused before any database is contacted: tests/migrations_refusals_test.cpp.)
#include "db/migrations/version_table.hpp"
#include "support/migrations_test.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace coffeehouse::testing {
namespace {

const Lines seed_columns{"id", "name", "has_sale", "address", "coffee_id"};

// A test holding the migrators' advisory lock stands in for a migration that is still running.
const std::string lock_key(db::migrations::version_table::migration_lock_key);

std::size_t running_lines(const CliResult& result) {
  const auto lines = lines_of(result.out);
  return static_cast<std::size_t>(std::count_if(
      lines.begin(), lines.end(), [](const std::string& line) { return line.starts_with("Running upgrade"); }));
}

class MigrationsSafety : public MigrationsOnScratchDatabase {};

TEST_F(MigrationsSafety, FailingUpgradeStepIsRolledBackAndNamed) {
  VersionsWorkspace workspace({project::init_file});
  // The first statement succeeds on its own; the transaction must take it back with the second.
  workspace.write_revision("badbadbad001", std::string(project::init),
                           "ALTER TABLE users ADD COLUMN nickname TEXT;\nALTER TABLE no_such_table ADD COLUMN x INT;",
                           "ALTER TABLE users DROP COLUMN nickname;");
  const auto result = migrate_here({"upgrade", "heads"}, workspace.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: upgrade badbadbad001 (revision badbadbad001) failed and was rolled back: relation "
            "\"no_such_table\" does not exist\n");
  EXPECT_EQ(database_.version_rows(), Lines{std::string(project::init)}) << "the step before it stays applied";
  EXPECT_EQ(database_.users_columns(), seed_columns) << "nickname must be rolled back";
}

TEST_F(MigrationsSafety, FailingDowngradeStepIsRolledBack) {
  VersionsWorkspace workspace({project::init_file});
  workspace.write_revision("badbadbad002", std::string(project::init), "ALTER TABLE users ADD COLUMN nickname TEXT;",
                           "ALTER TABLE users DROP COLUMN nickname;\nSELECT 1/0;");
  ASSERT_EQ(migrate_here({"upgrade", "heads"}, workspace.path()).exit_code, 0);
  const auto result = migrate_here({"downgrade", "base"}, workspace.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: downgrade badbadbad002 (revision badbadbad002) failed and was rolled back: division "
            "by zero\n");
  EXPECT_EQ(database_.version_rows(), Lines{"badbadbad002"});
  EXPECT_EQ(database_.users_columns().back(), "nickname");
}

TEST_F(MigrationsSafety, ConcurrentUpgradesAreSerializedAndTheSecondFindsTheWorkDone) {
  // Hold the migration lock so that both upgrades are certainly waiting at the same time.
  const auto holder = database_.connect();
  db::PgResultPtr locked(PQexec(holder.get(), ("SELECT pg_advisory_lock(" + lock_key + ")").c_str()));
  ASSERT_EQ(PQresultStatus(locked.get()), PGRES_TUPLES_OK) << PQerrorMessage(holder.get());

  CliProcess first({"migrate", "upgrade", "heads", "--versions-dir", diamond_versions_dir().string(), "--database-url",
                    database_.url()},
                   {});
  CliProcess second({"migrate", "upgrade", "heads", "--versions-dir", diamond_versions_dir().string(), "--database-url",
                     database_.url()},
                    {});
  const auto waiting = [this] {
    return database_.column(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())");
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (waiting() != Lines{"2"} && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(waiting(), Lines{"2"}) << "both upgrades should be waiting for the lock";
  EXPECT_FALSE(database_.has_table("alembic_version")) << "nothing may happen before the lock is taken";

  db::PgResultPtr unlocked(PQexec(holder.get(), ("SELECT pg_advisory_unlock(" + lock_key + ")").c_str()));
  const auto first_result = first.wait();
  const auto second_result = second.wait();
  EXPECT_EQ(first_result.exit_code, 0) << first_result.err;
  EXPECT_EQ(second_result.exit_code, 0) << second_result.err;
  // One of them ran all four steps; the other found them done.
  const auto first_steps = running_lines(first_result);
  const auto second_steps = running_lines(second_result);
  EXPECT_EQ(first_steps + second_steps, 4U) << first_result.out << "---\n" << second_result.out;
  EXPECT_TRUE(first_steps == 0 || second_steps == 0) << first_result.out << "---\n" << second_result.out;
  EXPECT_EQ(database_.version_rows(), Lines{std::string(project::merge)});
}

TEST_F(MigrationsSafety, UpgradeHeadWithSeveralHeadsChangesNothing) {
  VersionsWorkspace workspace({project::init_file, project::surname_file, project::patronomic_file});
  const auto result = migrate_here({"upgrade", "head"}, workspace.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: Multiple head revisions are present for given argument 'head'; please specify a "
            "specific target revision, or 'heads' for all heads, or join them with 'coffeehouse migrate merge -m "
            "MESSAGE heads' (heads: 2b3c4d5e6f7a, 3c4d5e6f7a8b)\n");
  EXPECT_FALSE(database_.has_table("alembic_version"));
  EXPECT_FALSE(database_.has_table("users"));
}

TEST_F(MigrationsSafety, UnknownRevisionInTheDatabaseIsReportedAndNothingChanges) {
  database_.execute(
      "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
      "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('0ddba11')");
  const auto result = migrate_here({"upgrade", "heads"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "coffeehouse: error: alembic_version holds '0ddba11', which is not a revision in the versions directory\n");
  EXPECT_EQ(database_.version_rows(), Lines{"0ddba11"});
  EXPECT_FALSE(database_.has_table("users"));
}

}  // namespace
}  // namespace coffeehouse::testing
