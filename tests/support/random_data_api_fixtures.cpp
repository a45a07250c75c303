#include "support/random_data_api_fixtures.hpp"

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

}  // namespace coffeehouse::test_support
