#pragma once
// The coffees and users the service starts with, and the mapping from random-data-api.com's
// JSON shapes into them. Pure: no I/O, no database. A response that is not of the expected
// shape is rejected whole, with a message naming the element and the field.
#include <boost/assert/source_location.hpp>
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::seed {

struct CoffeeSeed {
  std::string title;
  std::string origin;
  std::string intensifier;
  std::vector<std::string> notes;
};

struct UserSeed {
  std::string name;
  bool has_sale = false;
  std::string address_json;      // a JSON object, stored as this very text
  std::size_t coffee_index = 0;  // index into SeedData::coffees
};

struct SeedData {
  std::vector<CoffeeSeed> coffees;
  std::vector<UserSeed> users;
};

struct SeedError {
  std::string message;
};

template <class T>
using SeedResult = boost::system::result<T, SeedError>;

// Lets SeedResult<T>::value() throw std::runtime_error with the message.
[[noreturn]] void throw_exception_from_error(const SeedError& error, const boost::source_location& location);

// The 23 fields every random-data-api.com address carries, in the API's order.
std::span<const std::string_view> address_fields() noexcept;

// "crisp, slick,  tomato,," -> {"crisp", "slick", "tomato"}: split on commas, trimmed, empty pieces dropped.
std::vector<std::string> split_notes(std::string_view notes);

// Bodies of GET /api/coffee/random_coffee and GET /api/address/random_address. The body must
// be a JSON array of exactly expected_count elements; when expected_count is 1 a bare object
// is accepted too, since the API answers size=1 and size-less calls that way.
SeedResult<std::vector<CoffeeSeed>> coffees_from_response(std::string_view body, std::size_t expected_count);
// Addresses are returned as the text of each object exactly as the body has it.
SeedResult<std::vector<std::string>> addresses_from_response(std::string_view body, std::size_t expected_count);

// One user per address: a name from a built-in list, a random coffee among `coffees` and a
// random has_sale, all drawn from random_seed (same seed, same users). Needs at least one
// coffee when there are addresses.
SeedData assemble_seed_data(std::vector<CoffeeSeed> coffees, std::vector<std::string> addresses,
                            std::uint64_t random_seed);

}  // namespace coffeehouse::seed
