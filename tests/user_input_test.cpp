#include "handlers/user_input.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace coffeehouse::handlers {
namespace {

namespace http = net::http;

OrResponse<NewUser> parse(std::string body, std::string content_type = "application/json") {
  net::Request request{http::verb::post, "/users", 11};
  request.set(http::field::content_type, content_type);
  request.body() = std::move(body);
  return parse_new_user(request);
}

unsigned status_of(const OrResponse<NewUser>& result) {
  return is_response(result) ? std::get<net::Response>(result).result_int() : 0;
}

TEST(NewUserInput, AllFieldsMapToTheirTypes) {
  const std::string body = R"({"name":"Ann","surname":null,"patronomic":"P","has_sale":false,
                                "address":{"country":"Japan","zip":"100-0001", "lat": 1.0},"coffee_id":5})";
  const auto result = parse(body);
  ASSERT_FALSE(is_response(result)) << std::get<net::Response>(result).body();
  const auto& user = std::get<NewUser>(result);
  EXPECT_EQ(user.name, "Ann");
  EXPECT_FALSE(user.surname.has_value());
  EXPECT_EQ(user.patronomic, "P");
  EXPECT_EQ(user.has_sale, false);
  // The address travels inside the body's own text, for PostgreSQL to take out unaltered.
  EXPECT_EQ(user.body_with_address, body);
  EXPECT_EQ(user.coffee_id, 5);
}

TEST(NewUserInput, OptionalFieldsMayBeOmitted) {
  const auto result = parse(R"({"name":"Ann"})");
  ASSERT_FALSE(is_response(result));
  const auto& user = std::get<NewUser>(result);
  EXPECT_FALSE(user.body_with_address.has_value());
  EXPECT_FALSE(user.coffee_id.has_value());
  EXPECT_FALSE(user.has_sale.has_value());
}

TEST(NewUserInput, WrongTypesAre400AndBadValuesAre422) {
  EXPECT_EQ(status_of(parse(R"({"name":["Ann"]})")), 400u);
  EXPECT_EQ(status_of(parse(R"({"name":"Ann","surname":7})")), 400u);
  EXPECT_EQ(status_of(parse(R"({"name":"Ann","coffee_id":true})")), 400u);
  EXPECT_EQ(status_of(parse(R"({"name":"Ann","coffee_id":18446744073709551615})")), 422u);
  EXPECT_EQ(status_of(parse(R"({"name":"Ann","coffee_id":0})")), 422u);
  EXPECT_EQ(status_of(parse(R"({"surname":"Smith"})")), 422u);
  EXPECT_EQ(status_of(parse(R"("Ann")")), 400u);
}

TEST(NewUserInput, InvalidUtf8AndExcessiveNestingAreMalformed) {
  EXPECT_EQ(status_of(parse("{\"name\":\"\xff\xfe\"}")), 400u);
  EXPECT_EQ(status_of(parse(R"({"name":"Ann","address":)" + std::string(100, '[') + std::string(100, ']') + "}")),
            400u);
}

TEST(NewUserInput, ContentTypeMustBeJson) {
  EXPECT_EQ(status_of(parse(R"({"name":"Ann"})", "text/plain")), 415u);
  EXPECT_EQ(status_of(parse(R"({"name":"Ann"})", "")), 415u);
  EXPECT_EQ(status_of(parse(R"({"name":"Ann"})", "application/json-patch")), 415u);
  EXPECT_EQ(status_of(parse(R"({"name":"Ann"})", " application/json ; charset=UTF-8")), 0u);
}

TEST(Utf8Length, CountsCodePointsNotBytes) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("жёлтый"), 6u);
  EXPECT_EQ(utf8_length("🙂x"), 2u);
}

// Bad input: every malformed, ambiguous or unstorable body gets a defined 4xx, never a 500.

struct Refusal {
  unsigned status = 0;  // 0: accepted
  std::string code;
};

Refusal new_user_refusal(std::string body) {
  const auto parsed = parse(std::move(body));
  if (!is_response(parsed)) return {};
  const auto& response = std::get<net::Response>(parsed);
  return {response.result_int(), std::string(boost::json::parse(response.body()).at("error").at("code").as_string())};
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(BadInput, DuplicateKeysAre400WhereverTheyAre) {
  for (const std::string body :
       {R"({"name":"A","name":"B"})", R"({"name":"A","n\u0061me":"B"})",
        R"({"name":"A","address":{"city":"X","city":"Y"}})", R"({"name":"A","address":{"a":[{"k":1,"k":2}]}})",
        R"({"name":"A","coffee_id":null,"coffee_id":1})"}) {
    const auto refusal = new_user_refusal(body);
    EXPECT_EQ(refusal.status, 400u) << body;
    EXPECT_EQ(refusal.code, "duplicate_key") << body;
  }
  // The same key in different objects is no duplicate.
  EXPECT_EQ(new_user_refusal(R"({"name":"A","address":{"name":"A","inner":{"name":"B"}}})").status, 0u);
}

TEST(BadInput, NumbersBeyondIntegerOrDoubleRangeAreRefusedNotRounded) {
  for (const std::string coffee_id :
       {"1e400", "-1e400", "99999999999999999999", "18446744073709551616", "1e2", "1.0"}) {
    const auto refusal = new_user_refusal(R"({"name":"A","coffee_id":)" + coffee_id + "}");
    EXPECT_EQ(refusal.status, 400u) << coffee_id;
    EXPECT_EQ(refusal.code, "invalid_type") << coffee_id;
  }
  EXPECT_EQ(new_user_refusal(R"({"name":"A","coffee_id":9223372036854775807})").status, 422u);
  EXPECT_EQ(new_user_refusal(R"({"name":"A","coffee_id":-9223372036854775808})").status, 422u);
  // A double that overflows becomes infinity, which JSON (and so jsonb) cannot hold.
  const auto infinite = new_user_refusal(R"({"name":"A","address":{"zip":1e400}})");
  EXPECT_EQ(infinite.status, 422u);
  EXPECT_EQ(infinite.code, "validation_failed");
  EXPECT_EQ(new_user_refusal(R"({"name":"A","address":{"lat":1.7976931348623157e308,"tiny":1e-400}})").status, 0u);
}

TEST(BadInput, NestingIsLimitedTo32LevelsWithTheBodyAsTheFirst) {
  EXPECT_EQ(new_user_refusal(R"({"name":"A","address":{"a":)" + nested_arrays(30) + "}}").status, 0u);
  const auto too_deep = new_user_refusal(R"({"name":"A","address":{"a":)" + nested_arrays(31) + "}}");
  EXPECT_EQ(too_deep.status, 400u);
  EXPECT_EQ(too_deep.code, "malformed_json");
}

TEST(BadInput, InvalidUtf8AnywhereIs400) {
  for (const std::string body : {"{\"name\":\"\xc0\x80\"}",                        // overlong NUL
                                 "{\"name\":\"\xed\xa0\x80\"}",                    // UTF-8-encoded surrogate
                                 "{\"name\":\"\xe2\x82\"}",                        // truncated sequence
                                 "{\"name\":\"\xf4\x90\x80\x80\"}",                // beyond U+10FFFF
                                 "{\"na\xffme\":\"A\"}",                           // in a key
                                 "{\"name\":\"A\",\"address\":{\"c\":\"\xff\"}}",  // nested
                                 R"({"name":"\ud800"})",                           // lone surrogate escape
                                 R"({"name":"\udc00x"})"}) {
    const auto refusal = new_user_refusal(body);
    EXPECT_EQ(refusal.status, 400u) << body;
    EXPECT_EQ(refusal.code, "malformed_json") << body;
  }
  EXPECT_EQ(new_user_refusal(R"({"name":"\ud83d\ude42"})").status, 0u);  // a valid surrogate pair
}

TEST(BadInput, WrongTypesAre400) {
  for (const std::string body :
       {R"({"name":{"first":"A"}})", R"({"name":true})", R"({"name":"A","surname":["B"]})",
        R"({"name":"A","has_sale":1})", R"({"name":"A","has_sale":"true"})", R"({"name":"A","address":["Berlin"]})",
        R"({"name":"A","address":7})", R"({"name":"A","coffee_id":[1]})", R"({"name":"A","coffee_id":{"id":1}})",
        "null", "7", R"("name")"}) {
    const auto refusal = new_user_refusal(body);
    EXPECT_EQ(refusal.status, 400u) << body;
    EXPECT_EQ(refusal.code, "invalid_type") << body;
  }
}

}  // namespace
}  // namespace coffeehouse::handlers
