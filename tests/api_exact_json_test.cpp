// What a client stores is what it reads back, digit for digit: the address (a json column) is
// taken from the request's own text and served as PostgreSQL keeps it, never through a double.
// The checks look for the address's exact text inside the served document.
// Boost.JSON 1.81 would read -7.6590285039183925 as another double and write 1.0 as 1E0.
#include "support/api_test.hpp"

#include <boost/json.hpp>

namespace coffeehouse::testing {
namespace {

namespace json = boost::json;

class ExactJson : public ApiTest {};

// Numbers a double round trip changes, escapes, nesting and the client's own spacing.
std::string tricky_address(const std::string& country) {
  return R"({"country": ")" + country +
         R"(", "lat": -7.6590285039183925, "big": 12345678901234567890123, "one": 1.0, "tenth": 0.1,)"
         R"( "minus_zero": -0.0, "tiny": 1e-7, "edge": 179.99999999999997, "upper": 2.5E+3,)"
         R"( "nested": {"list": [1.0, [2.50, {"deep": -0.0}], [], {}], "text": "\u00e9\u2603 \"q\" \\ \/"},)"
         R"(  "empty": {} ,"flag": true, "none": null})";
}

std::string served_address_of(const std::string& document_text, const std::string& address) {
  return document_text.find("\"address\":" + address) != std::string::npos ? address : document_text;
}

std::string url_encoded(std::string text) {
  std::replace(text.begin(), text.end(), ' ', '+');
  return text;
}

TEST_P(ExactJson, APostedAddressIsStoredAndServedAsSentDigitForDigit) {
  const auto country = "Exact " + unique_word();
  const auto address = tricky_address(country);
  auto http = client();
  const auto created = http.post_json("/users", R"({"name": "Exa", "address": )" + address + "}");
  ASSERT_EQ(created.status(), 201) << created.body();
  const auto id = std::to_string(created.json().at("id").as_int64());

  EXPECT_EQ(query_scalar("SELECT address::text FROM users WHERE id = $1", {id}), address);
  EXPECT_EQ(served_address_of(created.body(), address), address);
  const auto fetched = http.get("/users/" + id);
  ASSERT_EQ(fetched.status(), 200);
  EXPECT_EQ(served_address_of(fetched.body(), address), address);
  const auto page = http.get("/users?country=" + url_encoded(country));
  ASSERT_EQ(page.status(), 200);
  EXPECT_EQ(served_address_of(page.body(), address), address);
  // And it is JSON whose values are the ones sent.
  EXPECT_EQ(fetched.json().at("address").at("nested").at("text"), "\u00e9\u2603 \"q\" \\ /");
  EXPECT_EQ(page.json().at("users").at(0).at("address").at("tenth").as_double(), 0.1);
}

TEST_P(ExactJson, UsersWrittenBySqlWithSeventeenDigitDoublesAreServedExactly) {
  const auto country = "Seventeen " + unique_word();
  std::vector<std::pair<std::string, std::string>> users;  // id, address text
  for (const auto* coordinates : {R"("latitude": 34.73538698338469, "longitude": -9.744547283183836)",
                                  R"("latitude": -7.6590285039183925, "longitude": 179.99999999999997)",
                                  R"("latitude": 0.30000000000000004, "longitude": -0.0)"}) {
    const auto address = R"({"country": ")" + country + R"(", )" + coordinates + "}";
    const auto id = query_scalar("INSERT INTO users (name, address) VALUES ('Sql', $1::json) RETURNING id", {address});
    users.emplace_back(id, address);
  }
  auto http = client();
  for (const auto& [id, address] : users) {
    const auto fetched = http.get("/users/" + id);
    ASSERT_EQ(fetched.status(), 200);
    EXPECT_EQ(served_address_of(fetched.body(), address), address);
  }
  const auto page = http.get("/users?country=" + url_encoded(country) + "&limit=2");
  ASSERT_EQ(page.status(), 200);
  EXPECT_EQ(served_address_of(page.body(), users[0].second), users[0].second);
  EXPECT_EQ(served_address_of(page.body(), users[1].second), users[1].second);
  EXPECT_EQ(page.json().at("next_after_id").as_int64(), std::stoll(users[1].first));
  const auto rest = http.get("/users?country=" + url_encoded(country) + "&after_id=" + users[1].first);
  EXPECT_EQ(served_address_of(rest.body(), users[2].second), users[2].second);
  EXPECT_TRUE(rest.json().at("next_after_id").is_null());
}

TEST_P(ExactJson, TextFieldsComeBackAsTheSameStrings) {
  const auto created = client().post_json(
      "/users", R"({"name": "Q\"uote\\ \u00e9 \ud83d\ude42 \t", "surname": "</script>", "patronomic": "\u0001"})");
  ASSERT_EQ(created.status(), 201) << created.body();
  const auto user = created.json();
  EXPECT_EQ(user.at("name"), "Q\"uote\\ \u00e9 \U0001F642 \t");
  EXPECT_EQ(user.at("surname"), "</script>");
  EXPECT_EQ(user.at("patronomic"), "\x01");
  EXPECT_EQ(client().get("/users/" + std::to_string(user.at("id").as_int64())).json(), user);
}

TEST_P(ExactJson, EmptyResultsAreEmptyArraysAndNullsStayNull) {
  auto http = client();
  const auto page = http.get("/users?country=" + unique_word());
  ASSERT_EQ(page.status(), 200);
  EXPECT_EQ(page.json(), (json::object{{"users", json::array{}}, {"next_after_id", nullptr}}));
  const auto found = http.get("/coffee/search?title=" + unique_word());
  ASSERT_EQ(found.status(), 200);
  EXPECT_EQ(found.json(), json::array{});

  const auto coffee_id = std::to_string(insert_coffee("Noteless " + unique_word()));
  query_scalar("UPDATE coffee SET notes = NULL, origin = NULL WHERE id = $1 RETURNING id", {coffee_id});
  const auto coffee = http.get("/coffee/" + coffee_id).json();
  EXPECT_EQ(coffee.at("notes"), json::array{});
  EXPECT_TRUE(coffee.at("origin").is_null());
  const auto user = http.post_json("/users", R"({"name": "Bare", "coffee_id": )" + coffee_id + "}").json();
  EXPECT_TRUE(user.at("address").is_null());
  EXPECT_TRUE(user.at("surname").is_null());
  EXPECT_EQ(user.at("coffee").at("notes"), json::array{});
}

COFFEEHOUSE_EVERY_SETUP(ExactJson);

}  // namespace
}  // namespace coffeehouse::testing
