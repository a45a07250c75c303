#pragma once
// Seed data made up locally, for when random-data-api.com cannot be reached (or must not be:
// tests, air-gapped installs). Same shapes as the API's: coffees with note arrays, users with
// all 23 address fields.
#include "seed/seed_data.hpp"

#include <cstddef>
#include <cstdint>

namespace coffeehouse::seed {

// `count` coffees and `count` users; the same random_seed gives the same data on every
// platform. Users are spread evenly over a handful of countries (United States, Germany,
// Brazil, Japan, Colombia), so filtering by country finds several of them.
SeedData generate_offline_seed(std::size_t count, std::uint64_t random_seed);

}  // namespace coffeehouse::seed
