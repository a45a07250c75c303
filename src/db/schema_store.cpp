#include "db/schema_store.hpp"

namespace coffeehouse::db {

namespace schema_statements {
const StatementSpec applied_revisions{"schema_versions",
                                      "SELECT version_num FROM alembic_version ORDER BY version_num COLLATE \"C\""};
}  // namespace schema_statements

boost::asio::awaitable<Result<std::vector<std::string>>> SchemaStore::applied_revisions() {
  auto rows = co_await pool_.execute(schema_statements::applied_revisions, {});
  if (!rows) co_return rows.error();
  std::vector<std::string> revisions;
  for (int row = 0; row < rows->size(); ++row) revisions.emplace_back(rows->text(row, 0));
  co_return revisions;
}

}  // namespace coffeehouse::db
