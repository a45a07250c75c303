#include "support/postgres_tools.hpp"

#include "db/conninfo.hpp"
#include "support/test_env.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <regex>
#include <stdexcept>

namespace coffeehouse::testing {
namespace {

constexpr std::chrono::seconds connect_timeout{10};
// The client the postgres:15 image runs its init scripts with, whatever psql PATH finds first.
constexpr const char* psql_path = "/usr/lib/postgresql/15/bin/psql";

struct ConninfoOptionsDeleter {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};

std::string quoted_identifier(const std::string& name) {
  std::string quoted = "\"";
  for (const char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

PgTarget PgTarget::admin() {
  const auto url = required_env("COFFEEHOUSE_TEST_ADMIN_URL");
  std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter> options(PQconninfoParse(url.c_str(), nullptr));
  if (!options) throw std::runtime_error("COFFEEHOUSE_TEST_ADMIN_URL is not a libpq URL");
  PgTarget target;
  for (const auto* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const std::string_view keyword(option->keyword);
    if (keyword == "host") target.host = option->val;
    if (keyword == "port") target.port = option->val;
    if (keyword == "user") target.user = option->val;
    if (keyword == "password") target.password = option->val;
    if (keyword == "dbname") target.database = option->val;
  }
  return target;
}

PgTarget PgTarget::as(std::string user_name, std::string user_password) const {
  PgTarget target = *this;
  target.user = std::move(user_name);
  target.password = std::move(user_password);
  return target;
}

PgTarget PgTarget::on(std::string database_name) const {
  PgTarget target = *this;
  target.database = std::move(database_name);
  return target;
}

std::string PgTarget::conninfo() const {
  return "host=" + quoted_conninfo_value(host) + " port=" + quoted_conninfo_value(port) +
         " user=" + quoted_conninfo_value(user) + " password=" + quoted_conninfo_value(password) +
         " dbname=" + quoted_conninfo_value(database) + " application_name=postgres_config_test";
}

PgSession::PgSession(const PgTarget& target) : conn_(db::connect_blocking(target.conninfo(), connect_timeout)) {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect as " + target.user + " to " + target.database + ": " +
                             (conn_ ? PQerrorMessage(conn_.get()) : "out of memory"));
  }
}

db::PgResultPtr PgSession::run(const std::string& sql, const std::vector<std::string>& params) const {
  std::vector<const char*> values;
  for (const auto& param : params) values.push_back(param.c_str());
  db::PgResultPtr result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                      nullptr, nullptr, 0));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("SQL failed: " + sql + ": " + PQerrorMessage(conn_.get()));
  }
  return result;
}

void PgSession::execute(const std::string& sql, const std::vector<std::string>& params) const { run(sql, params); }

std::vector<std::string> PgSession::column(const std::string& sql, const std::vector<std::string>& params) const {
  const auto result = run(sql, params);
  std::vector<std::string> values;
  for (int row = 0; row < PQntuples(result.get()); ++row) values.emplace_back(PQgetvalue(result.get(), row, 0));
  return values;
}

std::optional<std::string> PgSession::maybe_value(const std::string& sql,
                                                  const std::vector<std::string>& params) const {
  const auto result = run(sql, params);
  if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0)) return std::nullopt;
  return std::string(PQgetvalue(result.get(), 0, 0));
}

std::string PgSession::value(const std::string& sql, const std::vector<std::string>& params) const {
  auto result = maybe_value(sql, params);
  if (!result) throw std::runtime_error("no value from: " + sql);
  return *result;
}

ScratchRole::ScratchRole(Kind kind) : name_(unique_name("ch_role")), password_(unique_word(24)) {
  PgSession(PgTarget::admin())
      .execute("CREATE ROLE " + quoted_identifier(name_) + " LOGIN" + (kind == Kind::superuser ? " SUPERUSER" : "") +
               " PASSWORD '" + password_ + "'");
}

ScratchRole::~ScratchRole() {
  try {
    const PgSession admin(PgTarget::admin());
    // WITH (FORCE) ends sessions a failed test may have left behind (PostgreSQL 13+).
    for (const auto& database : admin.column(
             "SELECT datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = $1)", {name_})) {
      admin.execute("DROP DATABASE IF EXISTS " + quoted_identifier(database) + " WITH (FORCE)");
    }
    // Grants on databases other tests' scratch roles own go with the role.
    admin.execute("DROP OWNED BY " + quoted_identifier(name_));
    admin.execute("DROP ROLE IF EXISTS " + quoted_identifier(name_));
  } catch (const std::exception&) {
    // A destructor must not throw; a leftover role is harmless and uniquely named.
  }
}

std::string unique_name(const std::string& prefix) {
  return prefix + "_" + std::to_string(getpid()) + "_" + unique_word(8);
}

PsqlResult run_psql(const PgTarget& target, const std::vector<std::string>& args,
                    const std::vector<std::string>& environment) {
  std::vector<std::string> command{psql_path, "--no-psqlrc"};
  command.insert(command.end(), args.begin(), args.end());
  std::vector<std::string> extra{"PGHOST=" + target.host,         "PGPORT=" + target.port,
                                 "PGUSER=" + target.user,         "PGPASSWORD=" + target.password,
                                 "PGDATABASE=" + target.database, "PGAPPNAME=postgres_config_test"};
  extra.insert(extra.end(), environment.begin(), environment.end());
  // APP_DB_*: the init scripts read them (pg-conf/initdb/05-app-role.sql); only a test sets them.
  return run_process(
      std::move(command),
      inherited_environment(
          [](std::string_view entry) { return entry.starts_with("PG") || entry.starts_with("APP_DB_"); }, extra));
}

std::vector<std::filesystem::path> init_scripts() {
  std::vector<std::filesystem::path> scripts;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(COFFEEHOUSE_SOURCE_DIR) / "pg-conf" / "initdb")) {
    if (entry.path().extension() == ".sql") scripts.push_back(entry.path());
  }
  // The image's entrypoint runs them in the order `ls` lists them (sorted, C locale).
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

std::filesystem::path repository_config_file() {
  return std::filesystem::path(COFFEEHOUSE_SOURCE_DIR) / "pg-conf" / "postgresql.conf";
}

std::map<std::string, std::string> repository_settings() {
  static const std::regex setting(R"(^\s*([a-z_]+)\s*=\s*('([^']*)'|[^\s#]+))");
  std::ifstream file(repository_config_file());
  if (!file) throw std::runtime_error("cannot read " + repository_config_file().string());
  std::map<std::string, std::string> settings;
  for (std::string line; std::getline(file, line);) {
    std::smatch match;
    if (std::regex_search(line, match, setting))
      settings[match[1]] = match[3].matched ? match[3].str() : match[2].str();
  }
  return settings;
}

}  // namespace coffeehouse::testing
