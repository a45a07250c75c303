#include "seed/seed_source.hpp"

#include "seed/offline_generator.hpp"
#include "seed/random_data_api.hpp"

#include <spdlog/spdlog.h>

#include <random>

namespace coffeehouse::seed {

boost::asio::awaitable<SeedData> obtain_seed_data(const SeedSourceOptions& options, std::size_t count) {
  const std::uint64_t random_seed = std::random_device{}();
  if (options.source == SeedSource::offline) co_return generate_offline_seed(count, random_seed);

  std::string failure;
  try {
    net::HttpsClient client(options.client);
    auto fetched = co_await fetch_seed_data(client, options.api_base_url, count, random_seed);
    if (fetched) {
      spdlog::info("seed data: {} coffees and {} users from {}", fetched->coffees.size(), fetched->users.size(),
                   options.api_base_url);
      co_return std::move(*fetched);
    }
    failure = fetched.error().message;
  } catch (const std::exception& error) {
    failure = error.what();  // e.g. the extra CA file cannot be read
  }
  spdlog::warn("seed data: {} could not be used ({}); using the offline generator", options.api_base_url, failure);
  co_return generate_offline_seed(count, random_seed);
}

}  // namespace coffeehouse::seed
