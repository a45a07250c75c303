#pragma once
// Seed data from random-data-api.com: coffees and addresses fetched concurrently over the
// project's HTTPS client, validated whole, then assembled into users.
#include "net/https_client.hpp"
#include "seed/seed_data.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace coffeehouse::seed {

inline constexpr std::string_view random_data_api_url = "https://random-data-api.com";

// GET {api_base_url}/api/coffee/random_coffee?size={count} and
// GET {api_base_url}/api/address/random_address?size={count}, concurrently. When the API
// refuses `size` with a 4xx, that resource is fetched with `count` size-less calls (one object
// each) instead. Any failure (transport, an unexpected status, a response of the wrong shape)
// is an error naming the resource: never partial data. Users come from assemble_seed_data.
// `client` must outlive the awaitable; the URL is copied, as the coroutine starts only when awaited.
boost::asio::awaitable<SeedResult<SeedData>> fetch_seed_data(net::HttpsClient& client, std::string api_base_url,
                                                             std::size_t count, std::uint64_t random_seed);

}  // namespace coffeehouse::seed
