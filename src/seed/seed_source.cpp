#include "seed/seed_source.hpp"

#include "seed/offline_generator.hpp"
#include "seed/random_data_api.hpp"

#include <spdlog/spdlog.h>

#include <random>

namespace coffeehouse::seed {

SeedDataSource::SeedDataSource(SeedSourceOptions options) : options_(std::move(options)) {
  if (options_.source == SeedSource::offline) return;
  try {
    client_.emplace(options_.client);
  } catch (const std::exception& error) {
    client_error_ = error.what();  // e.g. the extra CA file cannot be read
  }
}

boost::asio::awaitable<SeedData> SeedDataSource::obtain(std::size_t count) {
  const std::uint64_t random_seed = std::random_device{}();
  if (options_.source == SeedSource::offline) co_return generate_offline_seed(count, random_seed);

  std::string failure = client_error_;
  if (client_) {
    auto fetched = co_await fetch_seed_data(*client_, options_.api_base_url, count, random_seed);
    if (fetched) {
      spdlog::info("seed data: {} coffees and {} users from {}", fetched->coffees.size(), fetched->users.size(),
                   options_.api_base_url);
      co_return std::move(*fetched);
    }
    failure = fetched.error().message;
  }
  spdlog::warn("seed data: {} could not be used ({}); using the offline generator", options_.api_base_url, failure);
  co_return generate_offline_seed(count, random_seed);
}

}  // namespace coffeehouse::seed
