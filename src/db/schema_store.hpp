#pragma once
// What /readyz asks the database: which migrations it is at.
#include "db/pool.hpp"
#include "db/result.hpp"
#include "db/statements.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace coffeehouse::db {

class SchemaStore {
 public:
  explicit SchemaStore(Pool& pool) noexcept : pool_(pool) {}

  // alembic_version's rows in byte order, as migrations::head_revisions() sorts them.
  // ErrorKind::schema_mismatch when the table does not exist (the schema was never migrated).
  boost::asio::awaitable<Result<std::vector<std::string>>> applied_revisions();

 private:
  Pool& pool_;
};

namespace schema_statements {
extern const StatementSpec applied_revisions;
}  // namespace schema_statements

}  // namespace coffeehouse::db
