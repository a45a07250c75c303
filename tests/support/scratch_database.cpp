#include "support/scratch_database.hpp"

#include "support/admin_sql.hpp"
#include "support/test_env.hpp"

#include "db/conninfo.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>

namespace coffeehouse::testing {
namespace {

constexpr std::chrono::seconds connect_timeout{10};

struct ConninfoOptionsDeleter {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};

std::string admin_url_from_environment() {
  const char* url = std::getenv("COFFEEHOUSE_TEST_ADMIN_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "COFFEEHOUSE_TEST_ADMIN_URL is not set: the migration tests need a PostgreSQL superuser URL to database "
        "'postgres' (scripts/test exports it; locally e.g. postgresql://postgres@127.0.0.1:55433/postgres)");
  }
  return url;
}

// pid + counter keep names unique within a run and across parallel test processes; the random
// suffix keeps a leftover from a crashed run from colliding.
std::string unique_database_name() {
  static std::atomic<int> counter{0};
  std::random_device entropy;
  return "coffeehouse_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(entropy() % 1000000);
}

// The admin URL with its database replaced, as a key=value string (libpq parses the URL).
std::string with_database(const std::string& url, const std::string& database) {
  std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter> options(PQconninfoParse(url.c_str(), nullptr));
  if (!options) throw std::runtime_error("COFFEEHOUSE_TEST_ADMIN_URL is not a valid libpq URL");
  std::string conninfo = "dbname=" + quoted_conninfo_value(database);
  for (const auto* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0' || std::string_view(option->keyword) == "dbname") continue;
    conninfo += " " + std::string(option->keyword) + "=" + quoted_conninfo_value(option->val);
  }
  return conninfo;
}

db::PgResultPtr run(PGconn* conn, const std::string& sql) {
  db::PgResultPtr result(PQexec(conn, sql.c_str()));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("SQL failed: " + sql + ": " + PQerrorMessage(conn));
  }
  return result;
}

}  // namespace

ScratchDatabase::ScratchDatabase()
    : admin_url_(admin_url_from_environment()), name_(unique_database_name()), url_(with_database(admin_url_, name_)) {
  run(connect_or_throw(admin_url_).get(), "CREATE DATABASE " + name_);
}

ScratchDatabase::~ScratchDatabase() {
  // WITH (FORCE) ends sessions a failed test may have left behind (PostgreSQL 13+).
  auto conn = db::connect_blocking(admin_url_, connect_timeout);
  if (conn && PQstatus(conn.get()) == CONNECTION_OK) {
    db::PgResultPtr dropped(PQexec(conn.get(), ("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str()));
  }
}

db::PgConnPtr ScratchDatabase::connect() const { return connect_or_throw(url_); }

void ScratchDatabase::execute(const std::string& sql) const { run(connect().get(), sql); }

std::vector<std::string> ScratchDatabase::column(const std::string& sql) const {
  const auto conn = connect();
  const auto result = run(conn.get(), sql);
  std::vector<std::string> values;
  for (int row = 0; row < PQntuples(result.get()); ++row) values.emplace_back(PQgetvalue(result.get(), row, 0));
  return values;
}

bool ScratchDatabase::has_table(const std::string& name) const {
  return column("SELECT to_regclass('" + name + "') IS NOT NULL") == std::vector<std::string>{"t"};
}

std::vector<std::string> ScratchDatabase::users_columns() const {
  return column(
      "SELECT column_name FROM information_schema.columns "
      "WHERE table_schema = current_schema() AND table_name = 'users' ORDER BY ordinal_position");
}

std::vector<std::string> ScratchDatabase::version_rows() const {
  if (!has_table("alembic_version")) return {};
  return column("SELECT version_num FROM alembic_version ORDER BY version_num");
}

}  // namespace coffeehouse::testing
