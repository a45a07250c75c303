#include "support/api_test.hpp"

#include <boost/json.hpp>

namespace coffeehouse::testing {
namespace {

namespace json = boost::json;

class UsersApi : public ApiTest {};

TEST_P(UsersApi, CreateReturns201WithLocationAndEmbeddedCoffee) {
  const auto coffee_id = insert_coffee("Create Blend " + unique_word(), "{caramel,\"dark chocolate\"}");
  auto http = client();
  const auto body = json::serialize(json::object{{"name", "Ann"},
                                                 {"surname", "Smith"},
                                                 {"patronomic", "Ivanovna"},
                                                 {"has_sale", true},
                                                 {"address", {{"country", "Germany"}, {"city", "Berlin"}}},
                                                 {"coffee_id", coffee_id}});
  const auto created = http.post_json("/users", body);
  ASSERT_EQ(created.status(), 201) << created.body();
  const auto user = created.json().as_object();
  const auto id = user.at("id").as_int64();
  EXPECT_EQ(created.header("Location"), "/users/" + std::to_string(id));
  EXPECT_EQ(user.at("name"), "Ann");
  EXPECT_EQ(user.at("surname"), "Smith");
  EXPECT_EQ(user.at("patronomic"), "Ivanovna");
  EXPECT_EQ(user.at("has_sale"), true);
  EXPECT_EQ(user.at("address").at("city"), "Berlin");
  EXPECT_EQ(user.at("coffee").at("id").as_int64(), coffee_id);
  EXPECT_EQ(user.at("coffee").at("notes"), (json::array{"caramel", "dark chocolate"}));

  const auto fetched = http.get("/users/" + std::to_string(id));
  ASSERT_EQ(fetched.status(), 200);
  EXPECT_EQ(fetched.json(), created.json());
}

TEST_P(UsersApi, CreateWithoutCoffeeIdPicksAnExistingCoffee) {
  insert_coffee("Random Pick " + unique_word());
  const auto created = client().post_json("/users", R"({"name": "Random"})");
  ASSERT_EQ(created.status(), 201) << created.body();
  const auto body = created.json();
  const auto& coffee = body.at("coffee");
  ASSERT_TRUE(coffee.is_object());
  const auto stored =
      query_scalar("SELECT count(*) FROM coffee WHERE id = $1", {std::to_string(coffee.at("id").as_int64())});
  EXPECT_EQ(stored, "1");
  EXPECT_TRUE(created.json().at("surname").is_null());
  EXPECT_TRUE(created.json().at("has_sale").is_null());
}

TEST_P(UsersApi, UnicodeAndInjectionShapedTextIsStoredVerbatim) {
  const std::string name = "Zoë'); DROP TABLE users;--";
  const std::string surname = "Ñandú 李小龍 🙂";
  const auto word = unique_word();
  const auto body = json::serialize(
      json::object{{"name", name}, {"surname", surname}, {"address", {{"country", "' OR '1'='1" + word}}}});
  auto http = client();
  const auto created = http.post_json("/users", body);
  ASSERT_EQ(created.status(), 201) << created.body();
  const auto id = created.json().at("id").as_int64();
  const auto fetched = http.get("/users/" + std::to_string(id)).json();
  EXPECT_EQ(fetched.at("name"), name.c_str());
  EXPECT_EQ(fetched.at("surname"), surname.c_str());
  EXPECT_EQ(query_scalar("SELECT to_regclass('users')::text"), "users");
  // The injection-shaped country matches itself only, not every row.
  const auto listed = http.get("/users?country=%27%20OR%20%271%27%3D%271" + word).json();
  ASSERT_EQ(listed.at("users").as_array().size(), 1u);
  EXPECT_EQ(listed.at("users").at(0).at("id").as_int64(), id);
}

TEST_P(UsersApi, NameOfFiftyCharactersIsAcceptedAndFiftyOneRejected) {
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += "ж";  // two bytes each: the limit counts characters
  auto http = client();
  EXPECT_EQ(http.post_json("/users", json::serialize(json::object{{"name", fifty}})).status(), 201);
  const auto too_long = http.post_json("/users", json::serialize(json::object{{"name", fifty + "ж"}}));
  EXPECT_EQ(too_long.status(), 422);
  EXPECT_EQ(too_long.error_code(), "validation_failed");
}

TEST_P(UsersApi, CreateRejectsBadInputWithClearErrors) {
  auto http = client();
  struct Case {
    std::string body;
    unsigned status;
    std::string code;
  };
  const std::vector<Case> cases{
      {"{not json", 400, "malformed_json"},
      {"[1, 2]", 400, "invalid_type"},
      {R"({"name": 42})", 400, "invalid_type"},
      {R"({"name": "A", "has_sale": "yes"})", 400, "invalid_type"},
      {R"({"name": "A", "address": "Berlin"})", 400, "invalid_type"},
      {R"({"name": "A", "coffee_id": "7"})", 400, "invalid_type"},
      {R"({"name": "A", "coffee_id": 1.5})", 400, "invalid_type"},
      {R"({"name": "A", "nickname": "B"})", 400, "unknown_field"},
      {R"({})", 422, "validation_failed"},
      {R"({"name": ""})", 422, "validation_failed"},
      {R"({"name": "A\u0000B"})", 422, "validation_failed"},
      {R"({"name": "A", "coffee_id": -1})", 422, "validation_failed"},
      {R"({"name": "A", "coffee_id": 2147483647})", 422, "unknown_coffee"},
  };
  for (const auto& [body, status, code] : cases) {
    const auto result = http.post_json("/users", body);
    EXPECT_EQ(result.status(), status) << body << " -> " << result.body();
    EXPECT_EQ(result.error_code(), code) << body;
    EXPECT_FALSE(result.json().at("error").at("message").as_string().empty());
  }
  // No rejected body left a row behind (no other test creates a user named "A").
  EXPECT_EQ(query_scalar("SELECT count(*) FROM users WHERE name = 'A'"), "0");
}

TEST_P(UsersApi, NonJsonContentTypeIs415) {
  auto http = client();
  http::request<http::string_body> request{http::verb::post, "/users", 11};
  request.set(http::field::content_type, "text/plain");
  request.body() = R"({"name": "A"})";
  const auto result = http.send(std::move(request));
  EXPECT_EQ(result.status(), 415);
  EXPECT_EQ(result.error_code(), "unsupported_media_type");

  http::request<http::string_body> with_charset{http::verb::post, "/users", 11};
  with_charset.set(http::field::content_type, "Application/JSON; charset=utf-8");
  with_charset.body() = R"({"name": "Charset"})";
  EXPECT_EQ(http.send(std::move(with_charset)).status(), 201);
}

TEST_P(UsersApi, GetAnswers404ForAbsentAnd400ForNonNumericIds) {
  auto http = client();
  EXPECT_EQ(http.get("/users/2147483647").status(), 404);
  EXPECT_EQ(http.get("/users/99999999999999999999").status(), 404);
  const auto not_number = http.get("/users/abc");
  EXPECT_EQ(not_number.status(), 400);
  EXPECT_EQ(not_number.error_code(), "invalid_id");
  EXPECT_EQ(http.get("/users/-3").status(), 400);
}

TEST_P(UsersApi, CountryFilterIsCaseInsensitiveOrderedAndPaginated) {
  const auto country = "Land " + unique_word();
  auto http = client();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    const auto spelled = i % 2 == 0 ? country : [&] {
      auto upper = country;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return upper;
    }();
    const auto created = http.post_json("/users", json::serialize(json::object{{"name", "U" + std::to_string(i)},
                                                                               {"address", {{"country", spelled}}}}));
    ASSERT_EQ(created.status(), 201);
    ids.push_back(created.json().at("id").as_int64());
  }
  http.post_json("/users", json::serialize(json::object{{"name", "Other"}, {"address", {{"country", country + "x"}}}}));

  std::string encoded = country;
  std::replace(encoded.begin(), encoded.end(), ' ', '+');
  const auto first = http.get("/users?country=" + encoded + "&limit=2").json();
  ASSERT_EQ(first.at("users").as_array().size(), 2u);
  EXPECT_EQ(first.at("users").at(0).at("id").as_int64(), ids[0]);
  EXPECT_EQ(first.at("users").at(1).at("id").as_int64(), ids[1]);
  EXPECT_EQ(first.at("next_after_id").as_int64(), ids[1]);
  // Each listed user is the whole document, its own coffee embedded, as GET /users/{id} has it.
  for (const auto& listed : first.at("users").as_array()) {
    EXPECT_EQ(listed, http.get("/users/" + std::to_string(listed.at("id").as_int64())).json());
  }

  const auto rest = http.get("/users?country=" + encoded + "&limit=10&after_id=" + std::to_string(ids[1])).json();
  ASSERT_EQ(rest.at("users").as_array().size(), 3u);
  EXPECT_EQ(rest.at("users").at(2).at("id").as_int64(), ids[4]);
  EXPECT_TRUE(rest.at("next_after_id").is_null());
}

TEST_P(UsersApi, CountryFilterRejectsMissingCountryAndBadPaging) {
  auto http = client();
  EXPECT_EQ(http.get("/users").status(), 400);
  EXPECT_EQ(http.get("/users").error_code(), "missing_parameter");
  EXPECT_EQ(http.get("/users?country=").status(), 400);
  EXPECT_EQ(http.get("/users?country=Germany&limit=0").status(), 400);
  EXPECT_EQ(http.get("/users?country=Germany&limit=1001").status(), 400);
  EXPECT_EQ(http.get("/users?country=Germany&limit=ten").error_code(), "invalid_parameter");
  EXPECT_EQ(http.get("/users?country=Germany&after_id=-1").status(), 400);
  EXPECT_EQ(http.get("/users?country=Germany&country=France").status(), 400);
}

COFFEEHOUSE_EVERY_SETUP(UsersApi);

}  // namespace
}  // namespace coffeehouse::testing
