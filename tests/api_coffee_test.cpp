#include "support/api_test.hpp"

#include <boost/json.hpp>

namespace coffeehouse::testing {
namespace {

namespace json = boost::json;

class CoffeeApi : public ApiTest {};

std::vector<std::int64_t> ids_of(const json::value& coffees) {
  std::vector<std::int64_t> ids;
  for (const auto& coffee : coffees.as_array()) ids.push_back(coffee.at("id").as_int64());
  return ids;
}

TEST_P(CoffeeApi, GetReturnsCoffeeWithNotesArray) {
  const auto id = insert_coffee("Single " + unique_word(), "{\"milk chocolate\",plum}");
  auto http = client();
  const auto result = http.get("/coffee/" + std::to_string(id));
  ASSERT_EQ(result.status(), 200);
  const auto coffee = result.json();
  EXPECT_EQ(coffee.at("id").as_int64(), id);
  EXPECT_EQ(coffee.at("origin"), "Huila, Colombia");
  EXPECT_EQ(coffee.at("intensifier"), "bright");
  EXPECT_EQ(coffee.at("notes"), (json::array{"milk chocolate", "plum"}));
  EXPECT_EQ(http.get("/coffee/2147483647").status(), 404);
  EXPECT_EQ(http.get("/coffee/2147483647").error_code(), "coffee_not_found");
  EXPECT_EQ(http.get("/coffee/x1").status(), 400);
}

TEST_P(CoffeeApi, SearchRanksTheBetterMatchFirstAndHonoursWebSearchSyntax) {
  const auto word = unique_word();
  const auto both = insert_coffee("Velvet Thunder " + word);
  const auto velvet_only = insert_coffee("Velvet Morning " + word);
  const auto thunder_twice = insert_coffee("Thunder Thunder Roast " + word);
  auto http = client();

  // Every word must match: only the title with both words.
  EXPECT_EQ(ids_of(http.get("/coffee/search?title=velvet+thunder+" + word).json()), std::vector{both});
  // One word: all three, the one that repeats it ranked first, then by id.
  EXPECT_EQ(ids_of(http.get("/coffee/search?title=thunder+" + word).json()), (std::vector{thunder_twice, both}));
  // Exclusion and quoted phrase.
  EXPECT_EQ(ids_of(http.get("/coffee/search?title=velvet+-thunder+" + word).json()), std::vector{velvet_only});
  EXPECT_EQ(ids_of(http.get("/coffee/search?title=%22thunder+roast%22+" + word).json()), std::vector{thunder_twice});
  // Stemming through the english configuration: "thunders" finds "Thunder".
  EXPECT_EQ(ids_of(http.get("/coffee/search?title=thunders+" + word + "&limit=1").json()), std::vector{thunder_twice});
}

TEST_P(CoffeeApi, SearchWithNoMatchReturnsEmptyArray) {
  const auto result = client().get("/coffee/search?title=" + unique_word());
  ASSERT_EQ(result.status(), 200);
  EXPECT_EQ(result.json(), json::array{});
}

TEST_P(CoffeeApi, SearchFindsUnicodeTitlesAndTreatsInjectionAsText) {
  const auto word = unique_word();
  const auto id = insert_coffee("Café Crème Brûlée " + word);
  auto http = client();
  EXPECT_EQ(ids_of(http.get("/coffee/search?title=cr%C3%A8me+" + word).json()), std::vector{id});
  const auto injected = http.get("/coffee/search?title=%27%29%3B+DROP+TABLE+coffee%3B--");
  EXPECT_EQ(injected.status(), 200);
  EXPECT_EQ(query_scalar("SELECT to_regclass('coffee')::text"), "coffee");
}

TEST_P(CoffeeApi, SearchRequiresANonBlankTitle) {
  auto http = client();
  EXPECT_EQ(http.get("/coffee/search").status(), 400);
  EXPECT_EQ(http.get("/coffee/search").error_code(), "missing_parameter");
  EXPECT_EQ(http.get("/coffee/search?title=+++").status(), 400);
  EXPECT_EQ(http.get("/coffee/search?title=x&limit=0").status(), 400);
}

TEST_P(CoffeeApi, NotesAreDistinctAndSorted) {
  const auto low = "aaa" + unique_word();
  const auto high = "zzz" + unique_word();
  insert_coffee("Notes One " + unique_word(), "{" + high + "," + low + "}");
  insert_coffee("Notes Two " + unique_word(), "{" + low + "}");
  const auto result = client().get("/coffee/notes");
  ASSERT_EQ(result.status(), 200);
  const auto listed = result.json();
  std::vector<std::string> notes;
  for (const auto& note : listed.as_array()) notes.emplace_back(note.as_string());
  EXPECT_TRUE(std::is_sorted(notes.begin(), notes.end()));
  EXPECT_EQ(std::adjacent_find(notes.begin(), notes.end()), notes.end()) << "duplicates in the list";
  EXPECT_EQ(std::count(notes.begin(), notes.end(), low), 1);
  EXPECT_EQ(std::count(notes.begin(), notes.end(), high), 1);
}

TEST_P(CoffeeApi, NotesFollowInsertsUpdatesAndDeletes) {
  const auto kept = "kept" + unique_word();
  const auto replaced = "replaced" + unique_word();
  const auto added = "added" + unique_word();
  const auto first = insert_coffee("Notes First " + unique_word(), "{" + kept + "," + replaced + "}");
  const auto second = insert_coffee("Notes Second " + unique_word(), "{" + kept + "}");
  auto http = client();
  const auto listed = [&http](const std::string& note) {
    const auto notes = http.get("/coffee/notes").json().as_array();
    return std::count(notes.begin(), notes.end(), json::value(note));
  };
  EXPECT_EQ(listed(kept), 1);
  EXPECT_EQ(listed(replaced), 1);

  query_scalar("UPDATE coffee SET notes = $1 WHERE id = $2", {"{" + added + "}", std::to_string(first)});
  EXPECT_EQ(listed(replaced), 0) << "a note removed from its last coffee is gone";
  EXPECT_EQ(listed(added), 1);
  EXPECT_EQ(listed(kept), 1) << "still on the second coffee";

  delete_coffee(second);
  EXPECT_EQ(listed(kept), 0);
  delete_coffee(first);
  EXPECT_EQ(listed(added), 0);
}

COFFEEHOUSE_EVERY_SETUP(CoffeeApi);

}  // namespace
}  // namespace coffeehouse::testing
