#pragma once
// A uniquely named PostgreSQL database for one test, created on the server named by
// COFFEEHOUSE_TEST_ADMIN_URL (a superuser URL; scripts/test exports it) and dropped afterwards.
// A missing variable is an error, never a skip: a suite that silently tests nothing passes too.
#include "db/pg_handles.hpp"

#include <string>
#include <vector>

namespace coffeehouse::testing {

class ScratchDatabase {
 public:
  ScratchDatabase();  // throws std::runtime_error with the reason
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  // A libpq key=value connection string for the scratch database.
  const std::string& url() const noexcept { return url_; }

  db::PgConnPtr connect() const;               // throws if the connection fails
  void execute(const std::string& sql) const;  // throws with PostgreSQL's message
  // The first column of every row, as text (NULL as empty).
  std::vector<std::string> column(const std::string& sql) const;

  bool has_table(const std::string& name) const;
  // users' columns in table order, as `\d users` lists them; empty if there is no users table.
  std::vector<std::string> users_columns() const;
  // alembic_version's rows, sorted; empty if the table does not exist.
  std::vector<std::string> version_rows() const;

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace coffeehouse::testing
