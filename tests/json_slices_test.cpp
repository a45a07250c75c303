// Finding each array element's own text in an already-validated document (seed/json_slices).
#include "seed/json_slices.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace coffeehouse::seed {
namespace {

using Texts = std::vector<std::string_view>;

TEST(JsonSlices, EachElementIsItsTextAsWrittenWithoutTheSpaceAround) {
  EXPECT_EQ(element_texts(R"( [ {"a": 1.0} ,{"b":-0.0}
, 12345678901234567890123 ] )"),
            (Texts{R"({"a": 1.0})", R"({"b":-0.0})", "12345678901234567890123"}));
}

TEST(JsonSlices, BracketsCommasAndQuotesInsideStringsAreNotBoundaries) {
  const std::string document = R"([{"s": "a, b ] } [ {"}, {"q": "say \"hi\", ok\\"}, "\\", "x"])";
  EXPECT_EQ(element_texts(document),
            (Texts{R"({"s": "a, b ] } [ {"})", R"({"q": "say \"hi\", ok\\"})", R"("\\")", R"("x")"}));
}

TEST(JsonSlices, NestedArraysAndObjectsStayWhole) {
  EXPECT_EQ(element_texts(R"([[1, [2, 3]], {"a": {"b": [4, {"c": 5}]}}, []])"),
            (Texts{"[1, [2, 3]]", R"({"a": {"b": [4, {"c": 5}]}})", "[]"}));
}

TEST(JsonSlices, AnEmptyArrayHasNoElementsAndAnyOtherValueIsItself) {
  EXPECT_TRUE(element_texts(" [ ] ").empty());
  EXPECT_EQ(element_texts(R"(  {"lat": -7.6590285039183925}
)"),
            (Texts{R"({"lat": -7.6590285039183925})"}));
  EXPECT_EQ(trim_json_whitespace(" \t\r\n"), "");
}

}  // namespace
}  // namespace coffeehouse::seed
