// The revisions that keep the read routes' cost flat as the data grows. coffee_note
// (5e7f9a1b3c5d), the side table GET /coffee/notes reads, must equal what unnesting every coffee's
// notes gives, after every kind of write; coffee.title_tsv (6a8b0c2d4e6f) is what search ranks.
// Both must go away cleanly.
#include "support/migrations_cli.hpp"
#include "support/migrations_workspace.hpp"
#include "support/scratch_database.hpp"

#include <gtest/gtest.h>

namespace {

namespace project = coffeehouse::testing::project;
using coffeehouse::testing::migrate;
using coffeehouse::testing::project_versions_dir;
using coffeehouse::testing::ScratchDatabase;
using Lines = std::vector<std::string>;

// "note:uses" per note, in code-point order: from the side table, and computed from scratch.
Lines kept_counts(const ScratchDatabase& database) {
  return database.column("SELECT note || ':' || uses FROM coffee_note ORDER BY note");
}
Lines recomputed_counts(const ScratchDatabase& database) {
  return database.column(
      "SELECT note || ':' || count(*) FROM coffee, unnest(notes) AS note WHERE note IS NOT NULL "
      "GROUP BY note ORDER BY note COLLATE \"C\"");
}

void upgrade(const ScratchDatabase& database, const std::string& target) {
  const auto result = migrate(database, project_versions_dir(), {"upgrade", target});
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

TEST(CoffeeNote, UpgradeCountsTheNotesCoffeesAlreadyHave) {
  ScratchDatabase database;
  upgrade(database, std::string(project::merge));
  database.execute(
      "INSERT INTO coffee (title, notes) VALUES ('a', '{plum,cherry}'), ('b', '{plum,plum,NULL}'), ('c', NULL), "
      "('d', '{}')");
  upgrade(database, "heads");
  EXPECT_EQ(kept_counts(database), (Lines{"cherry:1", "plum:3"}));
}

TEST(CoffeeNote, FollowsEveryKindOfWrite) {
  ScratchDatabase database;
  upgrade(database, "heads");
  const std::vector<std::string> writes = {
      "INSERT INTO coffee (title, notes) VALUES ('a', '{plum,cherry}'), ('b', '{plum,Zest,\"black tea\"}'), "
      "('c', NULL)",
      "INSERT INTO coffee (title, notes) VALUES ('d', '{plum,NULL,plum}')",
      "UPDATE coffee SET notes = '{lime,cherry}' WHERE title = 'a'",
      "UPDATE coffee SET title = title || '!'",  // notes unchanged: nothing may move
      "UPDATE coffee SET notes = array_append(notes, 'kiwi') WHERE title LIKE 'c%'",
      "DELETE FROM coffee WHERE title LIKE 'b%'",
      // Under replica mode (bench/dataset.sql's bulk load) ordinary triggers are skipped; these are not.
      "SET session_replication_role = replica; INSERT INTO coffee (title, notes) VALUES ('e', '{zed}'); "
      "RESET session_replication_role",
      "WITH moved AS (DELETE FROM coffee WHERE title = 'e' RETURNING notes) "
      "INSERT INTO coffee (title, notes) SELECT 'f', notes FROM moved",
      "BEGIN; UPDATE coffee SET notes = '{}' WHERE title LIKE 'd%'; ROLLBACK",
      "TRUNCATE users, coffee",
      "INSERT INTO coffee (title, notes) VALUES ('g', '{after truncate}')",
  };
  for (const auto& write : writes) {
    database.execute(write);
    EXPECT_EQ(kept_counts(database), recomputed_counts(database)) << "after: " << write;
  }
  EXPECT_EQ(kept_counts(database), (Lines{"after truncate:1"}));
}

TEST(CoffeeNote, ANoteRemovedFromItsLastCoffeeDisappears) {
  ScratchDatabase database;
  upgrade(database, "heads");
  database.execute("INSERT INTO coffee (title, notes) VALUES ('a', '{plum,rare}'), ('b', '{plum}')");
  database.execute("UPDATE coffee SET notes = '{plum}' WHERE title = 'a'");
  EXPECT_EQ(database.column("SELECT note FROM coffee_note ORDER BY note"), Lines{"plum"});
  database.execute("DELETE FROM coffee WHERE title = 'a'");
  EXPECT_EQ(kept_counts(database), Lines{"plum:1"});
  database.execute("DELETE FROM coffee");
  EXPECT_EQ(kept_counts(database), Lines{});
}

TEST(CoffeeNote, ATamperedCountFailsTheWriteInsteadOfDrifting) {
  ScratchDatabase database;
  upgrade(database, "heads");
  database.execute("INSERT INTO coffee (title, notes) VALUES ('a', '{plum}')");
  database.execute("DELETE FROM coffee_note");
  EXPECT_THROW(database.execute("DELETE FROM coffee"), std::runtime_error);
}

TEST(CoffeeNote, DowngradeRemovesTheTableItsTriggersAndFunctions) {
  ScratchDatabase database;
  upgrade(database, "heads");
  database.execute("INSERT INTO coffee (title, notes) VALUES ('a', '{plum}')");
  const auto down = migrate(database, project_versions_dir(), {"downgrade", std::string(project::merge)});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(database.version_rows(), Lines{std::string(project::merge)});
  EXPECT_FALSE(database.has_table("coffee_note"));
  EXPECT_EQ(database.column("SELECT tgname FROM pg_trigger WHERE tgrelid = 'coffee'::regclass AND NOT tgisinternal"),
            Lines{});
  EXPECT_EQ(database.column("SELECT proname FROM pg_proc WHERE proname LIKE 'coffee_note%'"), Lines{});
  // Writes after the downgrade work, and upgrading again counts them.
  database.execute("INSERT INTO coffee (title, notes) VALUES ('b', '{fig}')");
  upgrade(database, "heads");
  EXPECT_EQ(kept_counts(database), (Lines{"fig:1", "plum:1"}));
}

// The revision after coffee_note: search reads a stored vector instead of an expression index.
TEST(CoffeeTitleTsv, DowngradeRestoresTheExpressionIndex) {
  ScratchDatabase database;
  upgrade(database, "heads");
  const auto search_indexes = [&database] {
    return database.column("SELECT indexname FROM pg_indexes WHERE tablename = 'coffee' AND indexname LIKE '%title%'");
  };
  EXPECT_EQ(search_indexes(), Lines{"coffee_title_tsv_idx"});
  database.execute("INSERT INTO coffee (title) VALUES ('Velvet Thunders')");
  EXPECT_EQ(database.column("SELECT title_tsv::text FROM coffee"), Lines{"'thunder':2 'velvet':1"});
  const auto down = migrate(database, project_versions_dir(), {"downgrade", std::string(project::coffee_note)});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(search_indexes(), Lines{"coffee_title_fts_idx"});
  EXPECT_EQ(database.column("SELECT count(*) FROM information_schema.columns WHERE column_name = 'title_tsv'"),
            Lines{"0"});
}

}  // namespace
