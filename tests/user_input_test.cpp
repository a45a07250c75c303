#include "handlers/user_input.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

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
  EXPECT_EQ(status_of(parse(R"({"name":"Ann","address":)" + std::string(100, '[') + std::string(100, ']') + "}")), 400u);
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

}  // namespace
}  // namespace coffeehouse::handlers
