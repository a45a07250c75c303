// Writing documents from stored text (db/json_text): escaping that any JSON parser reads back as
// the same string, and stored JSON copied as it is.
#include "db/json_text.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

namespace coffeehouse::db {
namespace {

std::string as_json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonText, QuotesBackslashesAndControlCharactersAreEscaped) {
  EXPECT_EQ(as_json_string(R"(say "hi" \ now)"), R"("say \"hi\" \\ now")");
  EXPECT_EQ(as_json_string("a\nb\tc\rd\be\ff"), R"("a\nb\tc\rd\be\ff")");
  EXPECT_EQ(as_json_string(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(as_json_string(""), R"("")");
}

TEST(JsonText, EverythingElsePassesThroughAndReadsBackAsTheSameString) {
  const std::string text = "Zoë 李小龍 🙂 </script> \x7f '; DROP TABLE users;--";
  EXPECT_EQ(as_json_string(text), "\"" + text + "\"");
  for (const std::string& sample : {text, std::string("\"\\\n\x01 end"), std::string(300, '"')}) {
    EXPECT_EQ(boost::json::parse(as_json_string(sample)).as_string(), sample);
  }
}

TEST(JsonText, StoredJsonIsCopiedAsItIsAndNullsAreNull) {
  std::string out;
  append_json_or_null(out, R"({"lat": -7.6590285039183925, "one": 1.0})");
  out += ',';
  append_json_or_null(out, std::nullopt);
  out += ',';
  append_json_string_or_null(out, std::nullopt);
  out += ',';
  append_json_boolean_or_null(out, "t");
  out += ',';
  append_json_boolean_or_null(out, "f");
  out += ',';
  append_json_boolean_or_null(out, std::nullopt);
  EXPECT_EQ(out, R"({"lat": -7.6590285039183925, "one": 1.0},null,null,true,false,null)");
}

}  // namespace
}  // namespace coffeehouse::db
