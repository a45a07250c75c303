#include "support/random_data_api_fixtures.hpp"

#include <array>
#include <string_view>

namespace coffeehouse::test_support {

boost::json::object coffee_fixture(std::int64_t id) {
  return {{"id", id},
          {"uid", "7c9f1c2e-5b1d-4c55-9b1e-0f8e5c3a9d1" + std::to_string(id % 10)},
          {"blend_name", "Cascara Blend " + std::to_string(id)},
          {"origin", "Yirgacheffe, Ethiopia"},
          {"variety", "Bourbon"},
          {"notes", "crisp, slick, tomato, lemon, smokey"},
          {"intensifier", "delicate"}};
}

boost::json::object address_fixture(std::int64_t id) {
  return {{"id", id},
          {"uid", "0a1b7d4c-2f7e-4a5b-8c9d-1e2f3a4b5c6" + std::to_string(id % 10)},
          {"city", "South Chu"},
          {"street_name", "Heidenreich Crescent"},
          {"street_address", "8616 Koepp Wells"},
          {"secondary_address", "Suite 960"},
          {"building_number", "7432"},
          {"mail_box", "PO Box 7285"},
          {"community", "Park Crossing"},
          {"zip_code", "67213-3455"},
          {"zip", "94935"},
          {"postcode", "77227-6009"},
          {"time_zone", "Asia/Jakarta"},
          {"street_suffix", "Glen"},
          {"city_suffix", "fort"},
          {"city_prefix", "South"},
          {"state", "Kentucky"},
          {"state_abbr", "KY"},
          {"country", "Bhutan"},
          {"country_code", "BT"},
          {"latitude", 34.73538698338469},
          {"longitude", -9.744547283183836},
          {"full_address", "Suite 181 47221 Okuneva Square, East Jerald, ME 81806"}};
}

std::string address_text_fixture(std::int64_t id) {
  static constexpr std::array<std::string_view, 8> coordinates{
      "-7.6590285039183925", "179.99999999999997", "1.0", "-0.0", "1e-7", "12345678901234567890123", "0.1",
      "34.73538698338469"};
  auto address = address_fixture(id);
  address.erase("latitude");
  address.erase("longitude");
  auto text = boost::json::serialize(address);
  text.pop_back();  // the closing brace
  const auto index = static_cast<std::size_t>(id);
  text += ", \"latitude\": " + std::string(coordinates[index % coordinates.size()]) +
          ",\"longitude\" :" + std::string(coordinates[(index + 1) % coordinates.size()]) + " }";
  return text;
}

std::string address_texts_body(std::size_t count) {
  std::string body = "[";
  for (std::size_t index = 0; index < count; ++index) {
    if (index > 0) body += ",\n  ";
    body += address_text_fixture(static_cast<std::int64_t>(1000 + index));
  }
  return body + "]";
}

}  // namespace coffeehouse::test_support
