#pragma once
// What the PostgreSQL configuration tests need beyond ScratchDatabase: SQL sessions as any role
// on the test cluster, scratch roles, and psql run the way the postgres image and a person run it.
#include "db/pg_handles.hpp"

#include "support/child_process.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace coffeehouse::testing {

// Where and as whom to connect: the parts of COFFEEHOUSE_TEST_ADMIN_URL (a superuser on database
// 'postgres'), with user, password or database replaced as a test needs.
struct PgTarget {
  std::string host;
  std::string port;
  std::string user;
  std::string password;
  std::string database;

  static PgTarget admin();  // from COFFEEHOUSE_TEST_ADMIN_URL; fails the test when it is unset
  PgTarget as(std::string user_name, std::string user_password) const;
  PgTarget on(std::string database_name) const;
  std::string conninfo() const;  // key=value, application_name postgres_config_test
};

// One connection; every method throws std::runtime_error with PostgreSQL's message on failure.
class PgSession {
 public:
  explicit PgSession(const PgTarget& target);

  void execute(const std::string& sql, const std::vector<std::string>& params = {}) const;
  // The first column of every row, as text (NULL as empty).
  std::vector<std::string> column(const std::string& sql, const std::vector<std::string>& params = {}) const;
  // The single value of a one-row, one-column query.
  std::string value(const std::string& sql, const std::vector<std::string>& params = {}) const;
  // The value, or nothing for no row or NULL.
  std::optional<std::string> maybe_value(const std::string& sql, const std::vector<std::string>& params = {}) const;

 private:
  db::PgResultPtr run(const std::string& sql, const std::vector<std::string>& params) const;
  db::PgConnPtr conn_;
};

// A LOGIN role with a random password, named uniquely for parallel tests, dropped (with the
// databases it owns) when it goes out of scope.
class ScratchRole {
 public:
  enum class Kind { ordinary, superuser };
  explicit ScratchRole(Kind kind = Kind::ordinary);
  ~ScratchRole();
  ScratchRole(const ScratchRole&) = delete;
  ScratchRole& operator=(const ScratchRole&) = delete;

  const std::string& name() const noexcept { return name_; }
  PgTarget target() const { return PgTarget::admin().as(name_, password_); }

 private:
  std::string name_;
  std::string password_;
};

// A name no other test (or earlier run) uses: prefix + pid + random letters.
std::string unique_name(const std::string& prefix);

using PsqlResult = ProcessResult;

// PostgreSQL 15's psql with `args`, connected to `target` through PGHOST, PGPORT, PGUSER,
// PGPASSWORD and PGDATABASE (never a password on the command line), plus `environment`
// (NAME=value entries); other PG* and APP_DB_* variables of the test's environment are dropped,
// and ~/.psqlrc is not read.
PsqlResult run_psql(const PgTarget& target, const std::vector<std::string>& args,
                    const std::vector<std::string>& environment = {});

// The repository's pg-conf/initdb/*.sql in the order the postgres image runs them.
std::vector<std::filesystem::path> init_scripts();

// name = value lines of pg-conf/postgresql.conf, quotes removed.
std::map<std::string, std::string> repository_settings();
std::filesystem::path repository_config_file();

}  // namespace coffeehouse::testing
