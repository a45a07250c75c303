// pg-conf/ against the cluster scripts/test starts with scripts/pg-cluster: the server runs on the
// repository's postgresql.conf (the file docker-compose.yml mounts) and logs to files, and the
// scripts the postgres image runs on first start (pg-conf/initdb/) do the seed's Task 2.1-2.2
// when a person runs them with psql. The cluster is shared with parallel tests: every role and
// database made here has a unique name and is dropped afterwards.
#include "support/pg_cluster.hpp"
#include "support/postgres_tools.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace coffeehouse::testing {
namespace {

// What scripts/pg-cluster sets on the command line instead: paths, the port and a loopback-only
// listener. Everything else in the file must be in effect as written.
const std::set<std::string> cluster_overrides{"port", "listen_addresses", "unix_socket_directories", "log_directory"};

std::string file_contents(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(PostgresConfig, ServerRunsOnTheRepositoryConfigurationFile) {
  const PgSession admin(PgTarget::admin());
  const std::filesystem::path config_file = admin.value("SHOW config_file");
  // pg-cluster hands the server a copy when the 'postgres' user cannot read the repository.
  EXPECT_EQ(file_contents(config_file), file_contents(repository_config_file())) << config_file;
}

TEST(PostgresConfig, EverySettingOfTheFileIsInEffect) {
  const PgSession admin(PgTarget::admin());
  const auto config_file = admin.value("SHOW config_file");
  const auto settings = repository_settings();
  ASSERT_GE(settings.size(), 20U) << "pg-conf/postgresql.conf was not parsed";
  for (const auto& [name, value] : settings) {
    // Names are case-insensitive in the file (datestyle), not in pg_settings (DateStyle).
    const auto source = admin.maybe_value("SELECT source FROM pg_settings WHERE lower(name) = lower($1)", {name});
    ASSERT_TRUE(source) << name << " is not a PostgreSQL 15 setting";
    if (cluster_overrides.contains(name)) {
      EXPECT_EQ(*source, "command line") << name;
      continue;
    }
    EXPECT_EQ(*source, "configuration file") << name << " = " << value;
    EXPECT_EQ(admin.value("SELECT sourcefile FROM pg_settings WHERE lower(name) = lower($1)", {name}), config_file)
        << name;
  }
  // The server read every line: a misspelt value shows up here, not only as a log line at start.
  for (const auto& rejected :
       admin.column("SELECT name || ': ' || error FROM pg_file_settings WHERE sourcefile = $1 AND error IS NOT NULL "
                    "AND name <> ALL($2::text[])",
                    {config_file, "{port,listen_addresses,unix_socket_directories,log_directory}"})) {
    ADD_FAILURE() << rejected;
  }
}

TEST(PostgresConfig, LogsGoToFilesInTheClusterLogDirectory) {
  const PgSession admin(PgTarget::admin());
  EXPECT_EQ(admin.value("SHOW logging_collector"), "on");
  EXPECT_EQ(admin.value("SHOW log_destination"), "stderr");
  EXPECT_EQ(admin.value("SHOW log_filename"), "postgresql-%Y-%m-%d_%H%M%S.log");

  // The directory scripts/pg-cluster reports is the one the server writes to.
  const std::filesystem::path log_directory = admin.value("SHOW log_directory");
  const auto status = pg_cluster(suite_cluster_dir(), "status");
  EXPECT_NE(status.find("logs " + log_directory.string() + "\n"), std::string::npos)
      << "pg-cluster status: " << status << "log_directory: " << log_directory;

  const auto current = admin.maybe_value("SELECT pg_current_logfile()");
  ASSERT_TRUE(current) << "no current log file: the logging collector is not writing";
  const std::filesystem::path log_file = *current;
  EXPECT_EQ(log_file.parent_path(), log_directory);
  EXPECT_TRUE(std::regex_match(log_file.filename().string(), std::regex(R"(postgresql-\d{4}-\d{2}-\d{2}_\d{6}\.log)")))
      << log_file;
  EXPECT_TRUE(std::filesystem::is_regular_file(log_file)) << log_file;
}

TEST(PostgresConfig, LogLinesCarryTimeProcessUserDatabaseAndApplication) {
  const PgSession admin(PgTarget::admin());
  const std::filesystem::path log_file = admin.value("SELECT pg_current_logfile()");
  const auto marker = "postgres_config_test_" + unique_word();
  admin.execute("DO $$ BEGIN RAISE LOG '" + marker + "'; END $$");

  // The logging collector writes asynchronously.
  const std::regex line("(^|\n)\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} UTC \\[\\d+\\] " +
                        PgTarget::admin().user + "@" + PgTarget::admin().database +
                        " app=postgres_config_test LOG:  " + marker + "\n");
  std::string contents;
  for (int attempt = 0; attempt < 100; ++attempt) {
    contents = file_contents(log_file);
    if (contents.find(marker) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(contents.find(marker), std::string::npos) << "RAISE LOG did not reach " << log_file;
  EXPECT_TRUE(std::regex_search(contents, line))
      << "the line with " << marker << " does not follow log_line_prefix:\n"
      << contents.substr(contents.rfind('\n', contents.find(marker)) + 1, 200);
}

// The init scripts as psql runs them: every file of pg-conf/initdb in order, in one psql, with
// ON_ERROR_STOP as the image sets it. db_name makes the database unique to the test.
class InitScripts : public ::testing::Test {
 protected:
  void TearDown() override {
    // Before the roles go: a database that existed before the scripts holds their grants.
    const PgSession admin(PgTarget::admin());
    admin.execute("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    admin.execute("DROP DATABASE IF EXISTS " + app_database_ + " WITH (FORCE)");
    admin.execute("DROP ROLE IF EXISTS " + role_from_environment_);
  }

  PsqlResult run_scripts(const PgTarget& as, const std::optional<std::string>& app_user,
                         const std::vector<std::string>& environment = {}) const {
    std::vector<std::string> args{"-v", "ON_ERROR_STOP=1", "-v", "db_name=" + database_};
    if (app_user) args.insert(args.end(), {"-v", "app_user=" + *app_user});
    for (const auto& script : init_scripts()) args.insert(args.end(), {"-f", script.string()});
    return run_psql(as, args, environment);
  }

  // As the image runs them for docker-compose.yml: POSTGRES_USER (a superuser) in POSTGRES_DB,
  // which the image created, no psql variables, APP_DB_USER and APP_DB_PASSWORD from .env.
  // `app_database` is POSTGRES_DB, skillbox_db (database_) unless .env says otherwise.
  PsqlResult run_scripts_as_the_image(const ScratchRole& image_user, std::vector<std::string> environment,
                                      const std::string& app_database) const {
    PgSession(PgTarget::admin()).execute("CREATE DATABASE " + app_database + " OWNER " + image_user.name());
    return run_scripts(image_user.target().on(app_database), std::nullopt, environment);
  }
  PsqlResult run_scripts_as_the_image(const ScratchRole& image_user, std::vector<std::string> environment) const {
    return run_scripts_as_the_image(image_user, std::move(environment), database_);
  }

  std::string database_owner() const {
    return PgSession(PgTarget::admin())
        .value("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", {database_});
  }

  // The owner of test_psql_table in the database, or nothing when there is no such table.
  std::optional<std::string> table_owner() const {
    return PgSession(PgTarget::admin().on(database_))
        .maybe_value("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'test_psql_table'");
  }

  ScratchRole app_user_;
  const std::string database_ = unique_name("skillbox_db");
  // The role a test has the scripts create from APP_DB_USER.
  const std::string role_from_environment_ = unique_name("ch_app");
  const std::string role_password_ = unique_word(24);
  // POSTGRES_DB when a test sets it to something other than skillbox_db.
  const std::string app_database_ = unique_name("app_db");
};

TEST_F(InitScripts, CreateTheDatabaseAndTheTableOwnedByTheAppUser) {
  ASSERT_GE(init_scripts().size(), 1U);
  const auto result = run_scripts(PgTarget::admin(), app_user_.name());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(database_owner(), app_user_.name());
  EXPECT_EQ(table_owner(), app_user_.name());
}

TEST_F(InitScripts, RunTwiceWithoutErrorAndKeepTheRows) {
  const auto first = run_scripts(PgTarget::admin(), app_user_.name());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const PgSession app(app_user_.target().on(database_));
  app.execute("INSERT INTO test_psql_table (title) VALUES ('kept')");

  const auto second = run_scripts(PgTarget::admin(), app_user_.name());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(app.value("SELECT string_agg(title, ',') FROM test_psql_table"), "kept");
}

TEST_F(InitScripts, TheAppUserCanCreateTables) {
  const auto result = run_scripts(PgTarget::admin(), app_user_.name());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const PgSession app(app_user_.target().on(database_));
  app.execute("CREATE TABLE made_by_the_app_user (id integer)");
  EXPECT_EQ(app.value("SELECT tableowner FROM pg_tables WHERE tablename = 'made_by_the_app_user'"), app_user_.name());
}

// POSTGRES_DB=skillbox_db: the image creates the database itself, owned by POSTGRES_USER, before
// the scripts run. The app user must still be able to create tables in it.
TEST_F(InitScripts, TheAppUserCanCreateTablesInADatabaseThatExistedBefore) {
  PgSession(PgTarget::admin()).execute("CREATE DATABASE " + database_);
  const auto result = run_scripts(PgTarget::admin(), app_user_.name());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(database_owner(), PgTarget::admin().user);
  EXPECT_EQ(table_owner(), app_user_.name());
  const PgSession app(app_user_.target().on(database_));
  app.execute("CREATE TABLE made_by_the_app_user (id integer)");
}

// The image runs the scripts as POSTGRES_USER (a superuser it creates) without psql variables:
// the database and the table then belong to that user.
TEST_F(InitScripts, WithoutAppUserTheConnectingUserOwnsThem) {
  const ScratchRole image_user(ScratchRole::Kind::superuser);
  const auto result = run_scripts(image_user.target(), std::nullopt);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(database_owner(), image_user.name());
  EXPECT_EQ(table_owner(), image_user.name());
  PgSession(image_user.target().on(database_)).execute("CREATE TABLE made_by_the_env_user (id integer)");
}

TEST_F(InitScripts, InTheImageTheyCreateTheAppRoleFromTheEnvironmentNotASuperuserOwningWhatItCreates) {
  const ScratchRole image_user(ScratchRole::Kind::superuser);
  const auto result = run_scripts_as_the_image(
      image_user, {"APP_DB_USER=" + role_from_environment_, "APP_DB_PASSWORD=" + role_password_});
  ASSERT_EQ(result.exit_code, 0) << result.err;

  EXPECT_EQ(PgSession(PgTarget::admin())
                .value("SELECT rolsuper::text || ' ' || rolcanlogin::text || ' ' || rolcreaterole::text FROM pg_roles "
                       "WHERE rolname = $1",
                       {role_from_environment_}),
            "false true false");
  EXPECT_EQ(table_owner(), role_from_environment_);
  // It logs in with the password from the environment and can create tables (the migrations).
  const PgSession app(PgTarget::admin().as(role_from_environment_, role_password_).on(database_));
  app.execute("CREATE TABLE made_by_the_app_role (id integer)");
  EXPECT_EQ(app.value("SELECT tableowner FROM pg_tables WHERE tablename = 'made_by_the_app_role'"),
            role_from_environment_);
  EXPECT_EQ(app.value("SELECT current_setting('is_superuser')"), "off");

  // Run again (as by hand): the role is left as it is, nothing fails.
  const auto again = run_scripts(image_user.target().on(database_), std::nullopt,
                                 {"APP_DB_USER=" + role_from_environment_, "APP_DB_PASSWORD=changed"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NO_THROW(PgSession(PgTarget::admin().as(role_from_environment_, role_password_).on(database_)));
}

// POSTGRES_DB=other_db: the app connects to that database, not to skillbox_db, and must be able
// to run its migrations there.
TEST_F(InitScripts, InTheImageTheAppRoleCanCreateTablesInPostgresDbWhateverItsName) {
  const ScratchRole image_user(ScratchRole::Kind::superuser);
  const auto result = run_scripts_as_the_image(
      image_user, {"APP_DB_USER=" + role_from_environment_, "APP_DB_PASSWORD=" + role_password_}, app_database_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const PgSession app(PgTarget::admin().as(role_from_environment_, role_password_).on(app_database_));
  app.execute("CREATE TABLE made_by_the_app_role (id integer)");
  EXPECT_EQ(app.value("SELECT tableowner FROM pg_tables WHERE tablename = 'made_by_the_app_role'"),
            role_from_environment_);
  EXPECT_EQ(table_owner(), role_from_environment_);  // skillbox_db still got its table
}

// Even when the server logs every statement, the role's password stays out of the log.
TEST_F(InitScripts, TheAppRolePasswordNeverReachesTheServerLog) {
  const ScratchRole image_user(ScratchRole::Kind::superuser);
  const auto result = run_scripts_as_the_image(
      image_user,
      {"APP_DB_USER=" + role_from_environment_, "APP_DB_PASSWORD=" + role_password_, "PGOPTIONS=-c log_statement=all"});
  ASSERT_EQ(result.exit_code, 0) << result.err;

  const std::filesystem::path log_file = PgSession(PgTarget::admin()).value("SELECT pg_current_logfile()");
  // The scripts' own statements are logged (the logging collector writes asynchronously)...
  const auto logged_statement = "statement: GRANT ALL PRIVILEGES ON DATABASE \"" + database_ + "\"";
  std::string contents;
  for (int attempt = 0; attempt < 100; ++attempt) {
    contents = file_contents(log_file);
    if (contents.find(logged_statement) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(contents.find(logged_statement), std::string::npos) << "log_statement=all did not log the scripts";
  // ...and the password is not.
  EXPECT_EQ(contents.find(role_password_), std::string::npos) << "the app role's password is in " << log_file;
}

TEST_F(InitScripts, AnAppUserWithoutAPasswordStopsTheScriptsBeforeAnythingIsCreated) {
  const ScratchRole image_user(ScratchRole::Kind::superuser);
  const auto result = run_scripts(image_user.target(), std::nullopt, {"APP_DB_USER=" + role_from_environment_});
  EXPECT_EQ(result.exit_code, 3) << "psql exits 3 when ON_ERROR_STOP stops a script";
  EXPECT_NE(result.err.find("APP_DB_PASSWORD"), std::string::npos) << result.err;
  const PgSession admin(PgTarget::admin());
  EXPECT_FALSE(admin.maybe_value("SELECT rolname FROM pg_roles WHERE rolname = $1", {role_from_environment_}));
  EXPECT_FALSE(admin.maybe_value("SELECT datname FROM pg_database WHERE datname = $1", {database_}));
}

TEST_F(InitScripts, AnUnknownAppUserStopsTheScriptsWithAnError) {
  const auto result = run_scripts(PgTarget::admin(), "no_such_role_" + unique_word());
  EXPECT_EQ(result.exit_code, 3) << "psql exits 3 when ON_ERROR_STOP stops a script";
  EXPECT_NE(result.err.find("does not exist"), std::string::npos) << result.err;
  EXPECT_FALSE(
      PgSession(PgTarget::admin()).maybe_value("SELECT datname FROM pg_database WHERE datname = $1", {database_}));
}

}  // namespace
}  // namespace coffeehouse::testing
