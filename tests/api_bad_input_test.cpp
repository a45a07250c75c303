// Bad input through the API on the real database: what the parser lets through but PostgreSQL
// cannot store, NUL bytes in query parameters, and injection-shaped text in every parameter.
// (What the parser alone refuses: tests/user_input_test.cpp.)
#include "support/api_test.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace coffeehouse::testing {
namespace {

namespace json = boost::json;

class BadInputApi : public ApiTest {};

// PostgreSQL's jsonb refuses what JSON text may carry but text columns cannot: \u0000, and the
// infinity an overflowing number turns into. Such an address is the client's mistake (422), not
// a database failure (500), and nothing is stored.
TEST_P(BadInputApi, AddressesPostgresCannotStoreAre422AndStoreNothing) {
  const auto marker = unique_word();
  auto http = client();
  for (const std::string address : {R"({"c":"a\u0000b"})", R"({"a\u0000b":"c"})", R"({"c":[{"d":"\u0000"}]})",
                                    R"({"zip":1e400})", R"({"zip":-1e999})"}) {
    const auto result = http.post_json("/users", R"({"name":")" + marker + R"(","address":)" + address + "}");
    EXPECT_EQ(result.status(), 422) << address << " -> " << result.body();
    EXPECT_EQ(result.error_code(), "validation_failed") << address;
  }
  EXPECT_EQ(query_scalar("SELECT count(*) FROM users WHERE name = $1", {marker}), "0");
}

// libpq passes text parameters as C strings: a NUL would silently cut the value short.
TEST_P(BadInputApi, QueryParametersWithNulAre400NotTruncated) {
  auto http = client();
  for (const std::string target : {"/users?country=Fr%00ance", "/coffee/search?title=latte%00", "/users?country=%00"}) {
    const auto result = http.get(target);
    EXPECT_EQ(result.status(), 400) << target << " -> " << result.body();
    EXPECT_EQ(result.error_code(), "invalid_parameter") << target;
  }
}

TEST_P(BadInputApi, InjectionPayloadsInEveryParameterAreStoredOrSearchedVerbatim) {
  const auto word = unique_word();
  const std::vector<std::string> payloads{"'; DROP TABLE users; --",
                                          "\" OR \"1\"=\"1",
                                          "1' OR '1'='1' /*",
                                          "$1); DELETE FROM coffee; --",
                                          "\\'; SELECT pg_sleep(5); --",
                                          "%' OR name LIKE '%",
                                          "') UNION SELECT * FROM users --"};
  auto http = client();
  for (const auto& payload : payloads) {
    const auto text = payload + " " + word;
    const json::object address{{"country", text}, {text, text}};
    const auto created = http.post_json("/users", json::serialize(json::object{{"name", "Inj " + word},
                                                                               {"surname", text.substr(0, 50)},
                                                                               {"patronomic", text.substr(0, 50)},
                                                                               {"address", address}}));
    ASSERT_EQ(created.status(), 201) << payload << " -> " << created.body();
    const auto id = created.json().at("id").as_int64();
    const auto fetched = http.get("/users/" + std::to_string(id)).json();
    EXPECT_EQ(fetched.at("surname"), text.substr(0, 50).c_str());
    EXPECT_EQ(fetched.at("patronomic"), text.substr(0, 50).c_str());
    EXPECT_EQ(fetched.at("address"), address);

    // Searched as data: the payload country matches exactly the one user that has it.
    const auto listed = http.get("/users?country=" + boost::urls::encode(text, boost::urls::unreserved_chars)).json();
    ASSERT_EQ(listed.at("users").as_array().size(), 1u) << payload;
    EXPECT_EQ(listed.at("users").at(0).at("id").as_int64(), id);
    EXPECT_EQ(http.get("/coffee/search?title=" + boost::urls::encode(text, boost::urls::unreserved_chars)).status(),
              200);
    for (const auto* parameter : {"limit", "after_id"}) {
      const auto refused = http.get("/users?country=x&" + std::string(parameter) + "=" +
                                    boost::urls::encode("1 " + payload, boost::urls::unreserved_chars));
      EXPECT_EQ(refused.status(), 400) << parameter << "=" << payload;
    }
    EXPECT_EQ(http.get("/users/" + boost::urls::encode("1 " + payload, boost::urls::unreserved_chars)).status(), 400);
    EXPECT_EQ(http.get("/coffee/" + boost::urls::encode("1 " + payload, boost::urls::unreserved_chars)).status(), 400);
  }
  EXPECT_EQ(query_scalar("SELECT count(*) FROM users WHERE name = $1", {"Inj " + word}),
            std::to_string(payloads.size()));
  EXPECT_EQ(query_scalar("SELECT to_regclass('users')::text || to_regclass('coffee')::text"), "userscoffee");
}

COFFEEHOUSE_EVERY_SETUP(BadInputApi);

}  // namespace
}  // namespace coffeehouse::testing
