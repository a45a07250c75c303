#include "support/admin_sql.hpp"

#include "db/conninfo.hpp"
#include "db/pg_handles.hpp"
#include "support/test_env.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

namespace coffeehouse::testing {

db::PgConnPtr connect_or_throw(const std::string& url) {
  auto conn = db::connect_blocking(url, std::chrono::seconds(10));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + db::redact_conninfo(url) + ": " +
                             (conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  return conn;
}

std::vector<std::string> first_column(PGconn* conn, const std::string& sql, std::initializer_list<std::string> params) {
  std::vector<const char*> values;
  for (const auto& param : params) values.push_back(param.c_str());
  db::PgResultPtr result(
      PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + PQresultErrorMessage(result.get()));
  }
  std::vector<std::string> rows;
  for (int row = 0; row < PQntuples(result.get()); ++row) rows.emplace_back(PQgetvalue(result.get(), row, 0));
  return rows;
}

int terminate_backends_of(const std::string& application_name) {
  const auto conn = connect_or_throw(required_env("COFFEEHOUSE_TEST_ADMIN_URL"));
  const int terminated = std::stoi(first_column(
      conn.get(), "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
      {application_name})[0]);
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (first_column(conn.get(), "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                     {application_name})[0] == "0") {
      return terminated;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("backends of " + application_name + " still alive 2 s after pg_terminate_backend");
}

}  // namespace coffeehouse::testing
