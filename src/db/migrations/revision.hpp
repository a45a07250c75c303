#pragma once
// One revision file of schema/versions: a node of the revision graph plus its SQL.
#include <filesystem>
#include <string>
#include <vector>

namespace coffeehouse::db::migrations {

struct Revision {
  std::string id;
  // Empty for a base (root) revision; two or more for a merge point. Order is kept as written:
  // it decides which parent's alembic_version row a merge keeps.
  std::vector<std::string> down_revisions;
  std::string message;
  std::string create_date;
  std::string upgrade_sql;
  std::string downgrade_sql;
  std::filesystem::path path;
};

}  // namespace coffeehouse::db::migrations
