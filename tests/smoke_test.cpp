#include "db/statements.hpp"

#include <gtest/gtest.h>

TEST(Statements, IdsIndexTheirOwnSpec) {
  for (const auto& statement : coffeehouse::db::all_statements()) {
    EXPECT_EQ(coffeehouse::db::spec(statement.id).name, statement.name);
  }
}
