// The revision file format: what parses, what is refused and how the refusal reads.
#include "db/migrations/revision_file.hpp"

#include <gtest/gtest.h>

namespace {

using coffeehouse::db::migrations::parse_revision_file;
using coffeehouse::db::migrations::render_revision_file;
using coffeehouse::db::migrations::Revision;

constexpr std::string_view surname_file =
    "-- revision: 2b3c4d5e6f7a\n"
    "-- down_revision: 1a2b3c4d5e6f\n"
    "-- message: add users.surname\n"
    "-- create_date: 2026-11-25 08:10:00\n"
    "\n"
    "-- upgrade\n"
    "ALTER TABLE users ADD COLUMN surname VARCHAR(50);\n"
    "\n"
    "-- downgrade\n"
    "ALTER TABLE users DROP COLUMN surname;\n";

std::string parse_error(std::string_view text) {
  auto parsed = parse_revision_file(text, "versions/bad.sql");
  EXPECT_FALSE(parsed) << "parsed although malformed:\n" << text;
  return parsed ? std::string() : parsed.error().message;
}

TEST(MigrationsRevisionFile, ParsesHeaderAndBothSections) {
  auto parsed = parse_revision_file(surname_file, "versions/2b3c.sql");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->id, "2b3c4d5e6f7a");
  EXPECT_EQ(parsed->down_revisions, std::vector<std::string>{"1a2b3c4d5e6f"});
  EXPECT_EQ(parsed->message, "add users.surname");
  EXPECT_EQ(parsed->create_date, "2026-11-25 08:10:00");
  EXPECT_EQ(parsed->upgrade_sql, "ALTER TABLE users ADD COLUMN surname VARCHAR(50);");
  EXPECT_EQ(parsed->downgrade_sql, "ALTER TABLE users DROP COLUMN surname;");
  EXPECT_EQ(parsed->path, "versions/2b3c.sql");
}

TEST(MigrationsRevisionFile, EmptyDownRevisionMakesABase) {
  auto parsed = parse_revision_file(
      "-- revision: abc\n-- down_revision:\n-- message: root\n\n-- upgrade\n-- downgrade\n", "root.sql");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->down_revisions.empty());
  EXPECT_TRUE(parsed->upgrade_sql.empty());
  EXPECT_TRUE(parsed->create_date.empty());
}

TEST(MigrationsRevisionFile, CommaSeparatedDownRevisionMakesAMergePointInWrittenOrder) {
  auto parsed = parse_revision_file(
      "-- revision: m\n-- down_revision: b ,a\n-- message: merge\n\n-- upgrade\n\n-- downgrade\n", "m.sql");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->down_revisions, (std::vector<std::string>{"b", "a"}));
}

TEST(MigrationsRevisionFile, CrlfLineEndingsParseLikeLf) {
  auto parsed = parse_revision_file(
      "-- revision: abc\r\n-- down_revision:\r\n-- message: root\r\n\r\n-- upgrade\r\nSELECT 1;\r\n-- downgrade\r\n",
      "crlf.sql");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->id, "abc");
  EXPECT_EQ(parsed->upgrade_sql, "SELECT 1;");
}

TEST(MigrationsRevisionFile, RenderedFileParsesBackUnchanged) {
  auto original = parse_revision_file(surname_file, "versions/2b3c.sql");
  ASSERT_TRUE(original);
  EXPECT_EQ(render_revision_file(*original), surname_file);
}

TEST(MigrationsRevisionFile, MissingRevisionHeaderIsReportedWithThePath) {
  const auto error = parse_error("-- down_revision:\n-- message: x\n\n-- upgrade\n-- downgrade\n");
  EXPECT_EQ(error, "versions/bad.sql: missing header line '-- revision: ...'");
}

TEST(MigrationsRevisionFile, MissingDownRevisionHeaderIsRefusedRatherThanMadeABase) {
  EXPECT_EQ(parse_error("-- revision: abc\n-- message: x\n\n-- upgrade\n-- downgrade\n"),
            "versions/bad.sql: missing header line '-- down_revision: ...'");
}

TEST(MigrationsRevisionFile, UnknownHeaderIsReportedWithItsLine) {
  EXPECT_EQ(parse_error("-- revision: abc\n-- down_revison: x\n-- message: x\n\n-- upgrade\n-- downgrade\n"),
            "versions/bad.sql:2: unknown header 'down_revison' (expected revision, down_revision, message, "
            "create_date)");
}

TEST(MigrationsRevisionFile, RepeatedHeaderIsReported) {
  EXPECT_EQ(
      parse_error("-- revision: a\n-- revision: b\n-- down_revision:\n-- message: x\n\n-- upgrade\n-- downgrade\n"),
      "versions/bad.sql:2: header 'revision' appears twice");
}

TEST(MigrationsRevisionFile, InvalidRevisionIdsAreRefused) {
  for (const auto& id :
       std::vector<std::string>{"has space", "quote'", "head", "heads", "base", std::string(33, 'a')}) {
    EXPECT_NE(parse_error("-- revision: " + id + "\n-- down_revision:\n-- message: x\n\n-- upgrade\n-- downgrade\n")
                  .find("is not 1-32 letters, digits or '_'"),
              std::string::npos)
        << id;
  }
}

TEST(MigrationsRevisionFile, TrailingCommaInDownRevisionIsRefused) {
  EXPECT_EQ(parse_error("-- revision: a\n-- down_revision: b,\n-- message: x\n\n-- upgrade\n-- downgrade\n"),
            "versions/bad.sql: down_revision '' is not a valid revision id");
}

TEST(MigrationsRevisionFile, ParentListedTwiceIsRefused) {
  EXPECT_EQ(parse_error("-- revision: a\n-- down_revision: b, b\n-- message: x\n\n-- upgrade\n-- downgrade\n"),
            "versions/bad.sql: down_revision lists 'b' twice");
}

TEST(MigrationsRevisionFile, MissingSectionMarkersAreReported) {
  EXPECT_EQ(parse_error("-- revision: a\n-- down_revision:\n-- message: x\n\n-- downgrade\n"),
            "versions/bad.sql: no '-- upgrade' marker line");
  EXPECT_EQ(parse_error("-- revision: a\n-- down_revision:\n-- message: x\n\n-- upgrade\nSELECT 1;\n"),
            "versions/bad.sql: no '-- downgrade' marker line");
}

TEST(MigrationsRevisionFile, SqlOutsideTheSectionsIsRefused) {
  EXPECT_EQ(
      parse_error("-- revision: a\n-- down_revision:\n-- message: x\n\nDROP TABLE users;\n-- upgrade\n-- downgrade\n"),
      "versions/bad.sql:5: text before the '-- upgrade' marker (is a header line misspelt?)");
}

TEST(MigrationsRevisionFile, RepeatedOrMisorderedMarkersAreRefused) {
  EXPECT_EQ(parse_error("-- revision: a\n-- down_revision:\n-- message: x\n\n-- upgrade\n-- downgrade\n-- upgrade\n"),
            "versions/bad.sql:7: second '-- upgrade' marker");
  EXPECT_EQ(parse_error("-- revision: a\n-- down_revision:\n-- message: x\n\n-- downgrade\n-- upgrade\n"),
            "versions/bad.sql:5: '-- downgrade' comes before '-- upgrade'");
}

}  // namespace
