#pragma once
// Where seed data comes from: random-data-api.com through the async HTTPS client, falling back
// to the offline generator when the API cannot be used within its deadline.
#include "net/https_client.hpp"
#include "net/https_options.hpp"
#include "seed/seed_data.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
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

class SeedDataSource {
 public:
  // Sets up TLS (reads the system store and the extra CA file) here, at start-up, so that no io
  // thread reads files later. A TLS set-up failure is kept and reported at the first fetch.
  explicit SeedDataSource(SeedSourceOptions options);

  // `count` coffees and `count` users. Never fails: an unusable API is logged as a warning and
  // the offline generator answers instead, so a machine without internet still gets data.
  boost::asio::awaitable<SeedData> obtain(std::size_t count);

 private:
  SeedSourceOptions options_;
  std::optional<net::HttpsClient> client_;
  std::string client_error_;
};

}  // namespace coffeehouse::seed
