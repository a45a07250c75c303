#include "db/migrations/version_table.hpp"

namespace coffeehouse::db::migrations::version_table {
namespace {

constexpr std::string_view insert_sql = "INSERT INTO alembic_version (version_num) VALUES ($1)";
constexpr std::string_view update_sql =
    "UPDATE alembic_version SET version_num=$2 WHERE alembic_version.version_num = $1";
constexpr std::string_view delete_sql = "DELETE FROM alembic_version WHERE alembic_version.version_num = $1";

std::string sql_literal(std::string_view value) {
  std::string literal = "'";
  for (const char c : value) {
    if (c == '\'') literal += '\'';
    literal += c;
  }
  return literal + "'";
}

}  // namespace

Statement statement_for(const VersionChange& change) {
  switch (change.kind) {
    case VersionChange::Kind::insert: return {insert_sql, {change.to}};
    case VersionChange::Kind::update: return {update_sql, {change.from, change.to}};
    case VersionChange::Kind::remove: return {delete_sql, {change.from}};
  }
  return {};
}

std::string with_literals(const Statement& statement) {
  std::string sql;
  const auto text = statement.sql;
  for (std::size_t index = 0; index < text.size(); ++index) {
    // Placeholders here are $1 and $2 only, so one digit is enough.
    if (text[index] == '$' && index + 1 < text.size() && text[index + 1] >= '1' && text[index + 1] <= '9') {
      const auto param = static_cast<std::size_t>(text[index + 1] - '1');
      sql += sql_literal(statement.params.at(param));
      ++index;
    } else {
      sql += text[index];
    }
  }
  return sql;
}

}  // namespace coffeehouse::db::migrations::version_table
