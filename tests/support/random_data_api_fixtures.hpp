#pragma once
// Bodies shaped like random-data-api.com's answers, for tests that stand in for the API.
#include <boost/json.hpp>

#include <cstdint>
#include <string>

namespace coffeehouse::test_support {

// One /api/coffee/random_coffee element (variety and all) and one /api/address/random_address
// element (all 23 fields); `id` makes each distinct.
boost::json::object coffee_fixture(std::int64_t id);
boost::json::object address_fixture(std::int64_t id);

// An address element as the API's own text, whose coordinates are numbers a double round trip
// would alter (17 significant digits, 1.0, -0.0, 1e-7, an integer beyond 2^64): what is stored
// and served must be this very text.
std::string address_text_fixture(std::int64_t id);

// A JSON array of `count` address texts with ids from 1000, written with some whitespace.
std::string address_texts_body(std::size_t count);

// A JSON array of `count` elements made by `make`, with ids from 1000.
template <class MakeElement>
std::string array_body(std::size_t count, MakeElement make) {
  boost::json::array elements;
  for (std::size_t index = 0; index < count; ++index) elements.push_back(make(static_cast<std::int64_t>(1000 + index)));
  return boost::json::serialize(elements);
}

}  // namespace coffeehouse::test_support
