// The seed's Task 3, step by step with the real binary, checking users' columns (what `\d users`
// lists) and alembic_version after each step. scripts/migrations-walkthrough prints the same run.
#include "support/migrations_test.hpp"

namespace coffeehouse::testing {
namespace {

class MigrationsExercise : public MigrationsOnScratchDatabase {
 protected:
  CliResult run(std::vector<std::string> args) { return migrate_here(std::move(args), workspace_.path()); }

  // `revision` with the given arguments, then the SQL written into its sections; returns its id.
  std::string write_revision(std::vector<std::string> args, const std::string& upgrade_sql,
                             const std::string& downgrade_sql) {
    args.insert(args.begin(), "revision");
    const auto written = migrate(workspace_.path(), args);
    EXPECT_EQ(written.exit_code, 0) << written.err;
    const auto path = generated_path(written.out);
    fill_sections(path, upgrade_sql, downgrade_sql);
    return path.filename().string().substr(0, 12);
  }

  void upgrade_head() {
    const auto result = run({"upgrade", "head"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  VersionsWorkspace workspace_{{project::init_file}};
};

TEST_F(MigrationsExercise, TaskThreeEndsWithTheMergedSchema) {
  const std::string init(project::init);

  // 1. The seed schema.
  upgrade_head();
  EXPECT_EQ(database_.users_columns(), (Lines{"id", "name", "has_sale", "address", "coffee_id"}));
  EXPECT_EQ(database_.version_rows(), Lines{init});

  // 2. A revision dropping users.has_sale.
  const auto drop_has_sale = write_revision({"-m", "drop users.has_sale"}, "ALTER TABLE users DROP COLUMN has_sale;",
                                            "ALTER TABLE users ADD COLUMN has_sale BOOLEAN;");
  upgrade_head();
  EXPECT_EQ(database_.users_columns(), (Lines{"id", "name", "address", "coffee_id"}));
  EXPECT_EQ(database_.version_rows(), Lines{drop_has_sale});

  // 3. downgrade -1 brings the column back (at the end: ADD COLUMN appends); the revision was
  // never shared, so its file is discarded.
  const auto down = run({"downgrade", "-1"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(database_.users_columns(), (Lines{"id", "name", "address", "coffee_id", "has_sale"}));
  EXPECT_EQ(database_.version_rows(), Lines{init});
  for (const auto& name : workspace_.file_names()) {
    if (name.starts_with(drop_has_sale)) workspace_.remove(name);
  }

  // 4. surname, on the single head (init).
  const auto surname = write_revision({"-m", "add users.surname"}, "ALTER TABLE users ADD COLUMN surname VARCHAR(50);",
                                      "ALTER TABLE users DROP COLUMN surname;");
  upgrade_head();
  EXPECT_EQ(database_.users_columns(), (Lines{"id", "name", "address", "coffee_id", "has_sale", "surname"}));
  EXPECT_EQ(database_.version_rows(), Lines{surname});

  // 5. patronomic, branching from init.
  const auto patronomic = write_revision({"-m", "add users.patronomic", "--head", init},
                                         "ALTER TABLE users ADD COLUMN patronomic VARCHAR(50);",
                                         "ALTER TABLE users DROP COLUMN patronomic;");
  const auto heads = migrate(workspace_.path(), {"heads"}).out;
  EXPECT_NE(heads.find(surname + " (head)"), std::string::npos) << heads;
  EXPECT_NE(heads.find(patronomic + " (head)"), std::string::npos) << heads;

  // 6. upgrade head is ambiguous now: refused, nothing changes.
  const auto refused = run({"upgrade", "head"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(
      refused.err.starts_with("coffeehouse: error: Multiple head revisions are present for given argument 'head'"))
      << refused.err;
  EXPECT_EQ(database_.users_columns(), (Lines{"id", "name", "address", "coffee_id", "has_sale", "surname"}));
  EXPECT_EQ(database_.version_rows(), Lines{surname});

  // 7. merge the heads, then upgrade: patronomic runs, then the merge point.
  const auto merged = migrate(workspace_.path(), {"merge", "-m", "merge surname and patronomic", "heads"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  const auto merge = generated_path(merged.out).filename().string().substr(0, 12);
  upgrade_head();
  EXPECT_EQ(database_.users_columns(),
            (Lines{"id", "name", "address", "coffee_id", "has_sale", "surname", "patronomic"}));
  EXPECT_EQ(database_.version_rows(), Lines{merge});
  EXPECT_EQ(run({"check"}).exit_code, 0);
}

}  // namespace
}  // namespace coffeehouse::testing
