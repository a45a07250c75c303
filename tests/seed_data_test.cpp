#include "seed/seed_data.hpp"
#include "seed/offline_generator.hpp"
#include "seed/random_data_api.hpp"
#include "support/migrations_cli.hpp"
#include "support/random_data_api_fixtures.hpp"
#include "support/test_certificates.hpp"
#include "support/tls_fixture_server.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <string>

namespace coffeehouse::seed {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test_support::address_fixture;
using test_support::array_body;
using test_support::coffee_fixture;
using test_support::RecordedRequest;
using test_support::ScriptedResponse;
using test_support::test_pki;
using test_support::TlsFixtureServer;

std::string error_of(const SeedResult<std::vector<CoffeeSeed>>& result) {
  return result ? "no error" : result.error().message;
}
std::string error_of(const SeedResult<std::vector<std::string>>& result) {
  return result ? "no error" : result.error().message;
}

TEST(SeedData, MapsCoffeeFieldsAndSplitsNotesIntoAnArray) {
  const auto coffees = coffees_from_response(array_body(2, coffee_fixture), 2);

  ASSERT_TRUE(coffees) << coffees.error().message;
  ASSERT_EQ(coffees->size(), 2U);
  const auto& coffee = coffees->front();
  EXPECT_EQ(coffee.title, "Cascara Blend 1000");
  EXPECT_EQ(coffee.origin, "Yirgacheffe, Ethiopia");
  EXPECT_EQ(coffee.intensifier, "delicate");
  EXPECT_EQ(coffee.notes, (std::vector<std::string>{"crisp", "slick", "tomato", "lemon", "smokey"}));
}

TEST(SeedData, SplitsNotesTrimmedAndDropsEmptyPieces) {
  EXPECT_EQ(split_notes(" syrupy ,juicy,, cherry , "), (std::vector<std::string>{"syrupy", "juicy", "cherry"}));
  EXPECT_EQ(split_notes("single"), (std::vector<std::string>{"single"}));
  EXPECT_TRUE(split_notes("").empty());
  EXPECT_TRUE(split_notes(" , ,").empty());
}

TEST(SeedData, KeepsAll23AddressFieldsAsReturned) {
  const auto addresses = addresses_from_response(array_body(3, address_fixture), 3);

  ASSERT_TRUE(addresses) << addresses.error().message;
  ASSERT_EQ(addresses->size(), 3U);
  EXPECT_EQ(address_fields().size(), 23U);
  const auto first = json::parse(addresses->front()).as_object();
  EXPECT_EQ(first, address_fixture(1000));
  for (const auto field : address_fields()) EXPECT_TRUE(first.contains(field)) << field;
}

TEST(SeedData, KeepsEachAddressAsTheVeryTextTheApiSent) {
  const auto addresses = addresses_from_response(test_support::address_texts_body(8), 8);

  ASSERT_TRUE(addresses) << addresses.error().message;
  ASSERT_EQ(addresses->size(), 8U);
  for (std::size_t index = 0; index < addresses->size(); ++index) {
    EXPECT_EQ((*addresses)[index], test_support::address_text_fixture(static_cast<std::int64_t>(1000 + index)));
  }
  const auto alone = addresses_from_response(" \n" + test_support::address_text_fixture(3) + "\n", 1);
  ASSERT_TRUE(alone) << alone.error().message;
  EXPECT_EQ(alone->front(), test_support::address_text_fixture(3));
}

TEST(SeedData, AcceptsABareObjectWhenOneIsExpected) {
  const auto coffees = coffees_from_response(json::serialize(coffee_fixture(7)), 1);
  const auto addresses = addresses_from_response(json::serialize(address_fixture(7)), 1);

  ASSERT_TRUE(coffees) << coffees.error().message;
  ASSERT_TRUE(addresses) << addresses.error().message;
  EXPECT_EQ(coffees->size(), 1U);
  EXPECT_EQ(addresses->size(), 1U);
  EXPECT_TRUE(coffees_from_response(array_body(1, coffee_fixture), 1));
}

TEST(SeedData, RejectsABareObjectWhenSeveralAreExpected) {
  EXPECT_EQ(error_of(coffees_from_response(json::serialize(coffee_fixture(7)), 3)),
            "coffee response: expected a JSON array, got an object");
}

TEST(SeedData, RejectsAMissingFieldNamingTheElementAndTheField) {
  auto body = json::parse(array_body(3, coffee_fixture)).as_array();
  body[1].as_object().erase("notes");
  EXPECT_EQ(error_of(coffees_from_response(json::serialize(body), 3)), "coffee[1]: field \"notes\" is missing");

  auto addresses = json::parse(array_body(2, address_fixture)).as_array();
  addresses[1].as_object().erase("postcode");
  EXPECT_EQ(error_of(addresses_from_response(json::serialize(addresses), 2)),
            "address[1]: field \"postcode\" is missing");
}

TEST(SeedData, RejectsAFieldOfTheWrongType) {
  auto coffee = coffee_fixture(1);
  coffee["notes"] = json::array{"crisp", "slick"};
  EXPECT_EQ(error_of(coffees_from_response(json::serialize(json::array{coffee}), 1)),
            "coffee[0]: field \"notes\" must be a string, not an array");

  auto address = address_fixture(1);
  address["latitude"] = "34.7";
  EXPECT_EQ(error_of(addresses_from_response(json::serialize(json::array{address}), 1)),
            "address[0]: field \"latitude\" must be a number, not a string");

  address = address_fixture(1);
  address["id"] = 1.5;
  EXPECT_EQ(error_of(addresses_from_response(json::serialize(json::array{address}), 1)),
            "address[0]: field \"id\" must be an integer, not a number");
}

TEST(SeedData, RejectsAnEmptyBlendName) {
  auto coffee = coffee_fixture(1);
  coffee["blend_name"] = "";
  EXPECT_EQ(error_of(coffees_from_response(json::serialize(json::array{coffee}), 1)),
            "coffee[0]: field \"blend_name\" is empty");
}

TEST(SeedData, RejectsAResponseThatIsNotAnArray) {
  EXPECT_EQ(error_of(coffees_from_response(R"("rate limited")", 2)),
            "coffee response: expected a JSON array, got a string");
  EXPECT_EQ(error_of(addresses_from_response("null", 1)), "address response: expected a JSON array, got null");
}

TEST(SeedData, RejectsAnEmptyArray) {
  EXPECT_EQ(error_of(coffees_from_response("[]", 10)), "coffee response: the array is empty");
}

TEST(SeedData, RejectsTheWrongNumberOfElements) {
  EXPECT_EQ(error_of(addresses_from_response(array_body(2, address_fixture), 10)),
            "address response: expected 10 elements, got 2");
}

TEST(SeedData, RejectsAnElementThatIsNotAnObject) {
  EXPECT_EQ(error_of(coffees_from_response(R"([{"x":1}, 2])", 2)), "coffee[1]: expected an object, got a number");
}

TEST(SeedData, RejectsABodyThatIsNotJson) {
  EXPECT_EQ(error_of(coffees_from_response("<html>busy</html>", 1)).substr(0, 29), "coffee response is not JSON: ");
}

TEST(SeedData, ErrorsThrowFromValue) {
  const auto result = coffees_from_response("[]", 1);
  EXPECT_THROW(static_cast<void>(result.value()), std::runtime_error);
}

TEST(SeedData, AssemblesOneUserPerAddressDeterministically) {
  const auto coffees = *coffees_from_response(array_body(4, coffee_fixture), 4);
  const auto addresses = *addresses_from_response(array_body(10, address_fixture), 10);

  const auto data = assemble_seed_data(coffees, addresses, 42);
  const auto again = assemble_seed_data(coffees, addresses, 42);

  ASSERT_EQ(data.users.size(), 10U);
  EXPECT_EQ(data.coffees.size(), 4U);
  std::set<std::string> names;
  for (std::size_t index = 0; index < data.users.size(); ++index) {
    const auto& user = data.users[index];
    EXPECT_LT(user.coffee_index, data.coffees.size());
    EXPECT_EQ(user.address_json, addresses[index]);
    names.insert(user.name);
    EXPECT_EQ(user.name, again.users[index].name);
    EXPECT_EQ(user.has_sale, again.users[index].has_sale);
    EXPECT_EQ(user.coffee_index, again.users[index].coffee_index);
  }
  EXPECT_EQ(names.size(), 10U) << "names repeat before the built-in list runs out";
}

// Serialises offline data back into the API's shapes, so the validators judge the generator.
json::array as_api_coffees(const SeedData& data) {
  json::array coffees;
  for (const auto& coffee : data.coffees) {
    std::string notes;
    for (const auto& note : coffee.notes) notes += (notes.empty() ? "" : ", ") + note;
    coffees.push_back(json::object{{"blend_name", coffee.title},
                                   {"origin", coffee.origin},
                                   {"notes", notes},
                                   {"intensifier", coffee.intensifier}});
  }
  return coffees;
}

TEST(SeedOffline, MakesCoffeesAndUsersOfTheApiShapes) {
  const auto data = generate_offline_seed(10, 1);

  ASSERT_EQ(data.coffees.size(), 10U);
  ASSERT_EQ(data.users.size(), 10U);
  std::set<std::string> titles;
  for (const auto& coffee : data.coffees) {
    titles.insert(coffee.title);
    EXPECT_NE(coffee.origin.find(", "), std::string::npos) << coffee.origin;
    EXPECT_FALSE(coffee.intensifier.empty());
    EXPECT_GE(coffee.notes.size(), 3U);
    EXPECT_LE(coffee.notes.size(), 5U);
  }
  EXPECT_EQ(titles.size(), 10U);
  const auto round_trip = coffees_from_response(json::serialize(as_api_coffees(data)), 10);
  ASSERT_TRUE(round_trip) << round_trip.error().message;
  EXPECT_EQ(round_trip->front().notes, data.coffees.front().notes);

  const std::regex plain_coordinates(R"("latitude":-?[0-9]+\.[0-9]+,"longitude":-?[0-9]+\.[0-9]+,)");
  std::string addresses = "[";
  for (const auto& user : data.users) {
    const auto address = json::parse(user.address_json).as_object();
    EXPECT_EQ(address.size(), 23U);
    // Coordinates as plain decimals, like the API's: Boost.JSON alone would write 3.5E1.
    EXPECT_TRUE(std::regex_search(user.address_json, plain_coordinates)) << user.address_json;
    EXPECT_LT(user.coffee_index, data.coffees.size());
    EXPECT_FALSE(user.name.empty());
    addresses += (addresses.size() > 1 ? "," : "") + user.address_json;
  }
  const auto validated = addresses_from_response(addresses + "]", 10);
  EXPECT_TRUE(validated) << validated.error().message;
}

TEST(SeedOffline, GivesTheSameDataForTheSameSeed) {
  const auto serialise = [](const SeedData& data) {
    json::array users;
    for (const auto& user : data.users) {
      users.push_back(json::object{{"name", user.name},
                                   {"has_sale", user.has_sale},
                                   {"coffee_index", user.coffee_index},
                                   {"address", user.address_json}});
    }
    return json::serialize(json::object{{"coffees", as_api_coffees(data)}, {"users", users}});
  };

  EXPECT_EQ(serialise(generate_offline_seed(10, 2024)), serialise(generate_offline_seed(10, 2024)));
  EXPECT_NE(serialise(generate_offline_seed(10, 2024)), serialise(generate_offline_seed(10, 2025)));
}

TEST(SeedOffline, SpreadsUsersOverSeveralCountries) {
  const auto data = generate_offline_seed(10, 5);

  std::map<std::string, int> users_per_country;
  for (const auto& user : data.users) {
    ++users_per_country[std::string{json::parse(user.address_json).at("country").as_string()}];
  }
  for (const auto* country : {"United States", "Germany", "Brazil", "Japan", "Colombia"}) {
    EXPECT_EQ(users_per_country[country], 2) << country;
  }
}

net::HttpsClientOptions test_client_options() {
  net::HttpsClientOptions options;
  options.total_deadline = 3s;
  options.shutdown_timeout = 200ms;
  options.backoff_base = 20ms;
  options.backoff_cap = 100ms;
  options.max_attempts = 2;
  options.extra_ca_file = test_pki().authority_file;
  return options;
}

SeedResult<SeedData> fetch_from(const TlsFixtureServer& server, std::size_t count) {
  net::HttpsClient client{test_client_options()};
  return test_support::run_to_completion(fetch_seed_data(client, server.url(""), count, 99));
}

bool is_coffee(const RecordedRequest& request) { return request.target.starts_with("/api/coffee/random_coffee"); }

TEST(SeedFetch, FetchesCoffeesAndAddressesConcurrently) {
  constexpr auto answer_after = 250ms;
  TlsFixtureServer server{test_pki().localhost, [&](const RecordedRequest& request) {
                            const auto body =
                                is_coffee(request) ? array_body(3, coffee_fixture) : array_body(3, address_fixture);
                            return ScriptedResponse{200, body, {}, answer_after};
                          }};

  const auto data = fetch_from(server, 3);

  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(data->coffees.size(), 3U);
  ASSERT_EQ(data->users.size(), 3U);
  EXPECT_EQ(json::parse(data->users[1].address_json), address_fixture(1001));
  EXPECT_EQ(data->coffees[2].notes.size(), 5U);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2U);
  std::set<std::string> targets{requests[0].target, requests[1].target};
  EXPECT_EQ(targets, (std::set<std::string>{"/api/address/random_address?size=3", "/api/coffee/random_coffee?size=3"}));
  // Had the second request waited for the first answer, they would arrive answer_after apart.
  const auto apart = requests[1].received_at - requests[0].received_at;
  EXPECT_LT(apart, answer_after / 2);
}

TEST(SeedFetch, FallsBackToSingleCallsWhenTheSizeParameterIsRefused) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest& request) {
                            if (request.target.find("size=") != std::string::npos) {
                              return ScriptedResponse{400, R"({"error":"size not allowed"})", {}, 0ms};
                            }
                            const auto id = static_cast<std::int64_t>(request.sequence);
                            const auto single = is_coffee(request) ? coffee_fixture(id) : address_fixture(id);
                            return ScriptedResponse{200, json::serialize(single), {}, 0ms};
                          }};

  const auto data = fetch_from(server, 3);

  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(data->coffees.size(), 3U);
  EXPECT_EQ(data->users.size(), 3U);
  int single_coffee_calls = 0;
  int single_address_calls = 0;
  for (const auto& request : server.requests()) {
    if (request.target == "/api/coffee/random_coffee") ++single_coffee_calls;
    if (request.target == "/api/address/random_address") ++single_address_calls;
  }
  EXPECT_EQ(single_coffee_calls, 3);
  EXPECT_EQ(single_address_calls, 3);
}

TEST(SeedFetch, RejectsAResponseOfTheWrongShape) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest& request) {
                            if (!is_coffee(request))
                              return ScriptedResponse{200, array_body(2, address_fixture), {}, 0ms};
                            auto coffees = json::parse(array_body(2, coffee_fixture)).as_array();
                            coffees[1].as_object()["notes"] = json::array{"crisp"};
                            return ScriptedResponse{200, json::serialize(coffees), {}, 0ms};
                          }};

  const auto data = fetch_from(server, 2);

  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().message,
            "fetching coffee seed data: coffee[1]: field \"notes\" must be a string, not an array");
}

TEST(SeedFetch, ReportsAFailingEndpointAsAnError) {
  TlsFixtureServer server{test_pki().localhost, [](const RecordedRequest& request) {
                            if (is_coffee(request))
                              return ScriptedResponse{200, array_body(2, coffee_fixture), {}, 0ms};
                            return ScriptedResponse{503, "{}", {}, 0ms};
                          }};

  const auto data = fetch_from(server, 2);

  ASSERT_FALSE(data);
  EXPECT_NE(data.error().message.find("fetching address seed data: gave up"), std::string::npos)
      << data.error().message;
}

TEST(SeedFetch, RejectsABaseUrlThatIsNotAbsolute) {
  net::HttpsClient client{test_client_options()};

  const auto data = test_support::run_to_completion(fetch_seed_data(client, "random-data-api.com", 10, 1));

  ASSERT_FALSE(data);
  EXPECT_NE(data.error().message.find("not an absolute URL"), std::string::npos) << data.error().message;
}

}  // namespace
}  // namespace coffeehouse::seed

// `coffeehouse seed` through the real binary, on a database it cannot reach. (Seeding a real
// database: tests/seed_command_test.cpp.)
namespace coffeehouse::testing {
namespace {

TEST(SeedCommand, UnreachableDatabaseIsOneLineAndExitOne) {
  const auto result =
      run_coffeehouse({"seed", "--count", "1", "--seed-source", "offline", "--database-url", unreachable_database_url});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.err.starts_with("coffeehouse: error: ")) << result.err;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
}

}  // namespace
}  // namespace coffeehouse::testing
