#pragma once
// Where seed data comes from: random-data-api.com through the async HTTPS client, falling back
// to the offline generator when the API cannot be used within its deadline.
#include "net/https_options.hpp"
#include "seed/seed_data.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

namespace coffeehouse::seed {

enum class SeedSource : std::uint8_t { api, offline };

struct SeedSourceOptions {
  SeedSource source = SeedSource::api;
  std::string api_base_url = "https://random-data-api.com";
  net::HttpsClientOptions client = default_client_options();  // total_deadline bounds the whole fetch

  // Start-up waits for the seed, so the API gets less patience than the client's default.
  static net::HttpsClientOptions default_client_options() {
    net::HttpsClientOptions options;
    options.total_deadline = std::chrono::seconds(10);
    return options;
  }
};

// `count` coffees and `count` users. Never fails: an unusable API is logged as a warning and
// the offline generator answers instead, so a machine without internet still gets data.
boost::asio::awaitable<SeedData> obtain_seed_data(const SeedSourceOptions& options, std::size_t count);

}  // namespace coffeehouse::seed
