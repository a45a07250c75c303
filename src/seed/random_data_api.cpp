#include "seed/random_data_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <string>
#include <utility>

namespace coffeehouse::seed {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

template <class Item>
using ResponseParser = SeedResult<std::vector<Item>> (*)(std::string_view body, std::size_t expected_count);

template <class Item>
struct Resource {
  std::string_view name;
  std::string_view path;
  ResponseParser<Item> parse;
};

const Resource<CoffeeSeed> coffee_resource{"coffee", "/api/coffee/random_coffee", &coffees_from_response};
const Resource<std::string> address_resource{"address", "/api/address/random_address", &addresses_from_response};

boost::urls::url resource_url(const boost::urls::url& api_base, std::string_view path) {
  boost::urls::url url = api_base;
  std::string joined{url.encoded_path()};
  while (!joined.empty() && joined.back() == '/') joined.pop_back();
  url.set_encoded_path(joined + std::string{path});
  url.remove_query();
  url.remove_fragment();
  return url;
}

template <class Item>
SeedError failure(const Resource<Item>& resource, const std::string& why) {
  return {"fetching " + std::string{resource.name} + " seed data: " + why};
}

// The body of a 2xx answer, or an error; `refused` tells a 4xx apart, since that is the
// answer that makes fetch_items try single calls.
struct Answer {
  SeedResult<std::string> body;
  bool refused = false;
};

template <class Item>
asio::awaitable<Answer> get_body(net::HttpsClient& client, const Resource<Item>& resource,
                                 const boost::urls::url& url) {
  auto response = co_await client.get(std::string{url.buffer()});
  if (!response) co_return Answer{failure(resource, response.error().message)};
  if (response->status / 100 == 2) {
    // SeedError is constructible from a string too, so the body needs naming as the value.
    co_return Answer{SeedResult<std::string>{boost::system::in_place_value, std::move(response->body)}};
  }
  co_return Answer{
      failure(resource, "GET " + std::string{url.encoded_path()} + " answered " + std::to_string(response->status)),
      response->status / 100 == 4};
}

template <class Item>
asio::awaitable<SeedResult<std::vector<Item>>> fetch_items(net::HttpsClient& client, const Resource<Item>& resource,
                                                           const boost::urls::url& api_base, std::size_t count) {
  const auto single_url = resource_url(api_base, resource.path);
  auto batch_url = single_url;
  batch_url.params().set("size", std::to_string(count));

  auto batch = co_await get_body(client, resource, batch_url);
  if (batch.body) {
    auto items = resource.parse(*batch.body, count);
    if (!items) co_return failure(resource, items.error().message);
    co_return items;
  }
  if (!batch.refused) co_return batch.body.error();

  spdlog::info("the {} API refused size={} ({}); fetching {} single objects instead", resource.name, count,
               batch.body.error().message, count);
  std::vector<Item> items;
  items.reserve(count);
  for (std::size_t call = 1; call <= count; ++call) {
    auto single = co_await get_body(client, resource, single_url);
    if (!single.body) co_return single.body.error();
    auto item = resource.parse(*single.body, 1);
    if (!item) {
      co_return failure(resource, "single call " + std::to_string(call) + " of " + std::to_string(count) + ": " +
                                      item.error().message);
    }
    items.push_back(std::move(item->front()));
  }
  co_return items;
}

}  // namespace

asio::awaitable<SeedResult<SeedData>> fetch_seed_data(net::HttpsClient& client, std::string api_base_url,
                                                      std::size_t count, std::uint64_t random_seed) {
  const auto api_base = boost::urls::parse_absolute_uri(api_base_url);
  if (!api_base) {
    co_return SeedError{"the seed API URL '" + api_base_url + "' is not an absolute URL"};
  }
  if (count == 0) co_return SeedData{};

  using namespace asio::experimental::awaitable_operators;
  const boost::urls::url base{*api_base};
  auto [coffees, addresses] = co_await (fetch_items(client, coffee_resource, base, count) &&
                                        fetch_items(client, address_resource, base, count));
  if (!coffees) co_return coffees.error();
  if (!addresses) co_return addresses.error();
  co_return assemble_seed_data(std::move(*coffees), std::move(*addresses), random_seed);
}

}  // namespace coffeehouse::seed
