// Rows to API JSON, on rows PostgreSQL itself produced (text format, NULLs, json, to_json(arrays)).
#include "db/conninfo.hpp"
#include "handlers/representations.hpp"
#include "support/test_env.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace coffeehouse::handlers {
namespace {

namespace json = boost::json;

db::Rows select(const std::string& sql) {
  auto conn = db::connect_blocking(testing::database_url(), std::chrono::seconds(5));
  auto outcome = db::classify_result(db::PgResultPtr(PQexec(conn.get(), sql.c_str())), conn.get());
  EXPECT_TRUE(outcome.ok()) << outcome.error.message;
  return std::move(outcome.rows);
}

TEST(Representations, UserWithCoffeeMapsEveryColumn) {
  const auto rows = select(
      "SELECT 7, 'Ann', 'Smith', NULL::varchar, true, '{\"country\": \"Japan\", \"zip\": 1}'::json, "
      "3, 'Blend', 'Huila, Colombia', NULL::varchar, to_json(ARRAY['nutty', 'a \"quoted\" note']::varchar[])");
  const auto user = user_json(rows, 0);
  EXPECT_EQ(user.at("id").as_int64(), 7);
  EXPECT_EQ(user.at("name"), "Ann");
  EXPECT_EQ(user.at("surname"), "Smith");
  EXPECT_TRUE(user.at("patronomic").is_null());
  EXPECT_EQ(user.at("has_sale"), true);
  EXPECT_EQ(user.at("address"), (json::object{{"country", "Japan"}, {"zip", 1}}));
  const auto& coffee = user.at("coffee");
  EXPECT_EQ(coffee.at("id").as_int64(), 3);
  EXPECT_TRUE(coffee.at("intensifier").is_null());
  EXPECT_EQ(coffee.at("notes"), (json::array{"nutty", "a \"quoted\" note"}));
}

TEST(Representations, UserWithoutCoffeeHasNullCoffeeAndNullsStayNull) {
  const auto rows = select(
      "SELECT 8, 'Bo', NULL::varchar, NULL::varchar, NULL::boolean, NULL::json, "
      "NULL::int, NULL::varchar, NULL::varchar, NULL::varchar, NULL::json");
  const auto user = user_json(rows, 0);
  EXPECT_TRUE(user.at("coffee").is_null());
  EXPECT_TRUE(user.at("has_sale").is_null());
  EXPECT_TRUE(user.at("address").is_null());
}

TEST(Representations, CoffeeWithNullNotesHasEmptyNotesArray) {
  const auto rows = select("SELECT 1, 'Plain', NULL::varchar, 'mild', to_json(NULL::varchar[])");
  const auto coffee = coffee_json(rows, 0, 0);
  EXPECT_EQ(coffee.at("notes"), json::array{});
  EXPECT_EQ(coffee.at("intensifier"), "mild");
}

}  // namespace
}  // namespace coffeehouse::handlers
