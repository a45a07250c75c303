#include "support/service_fixture.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace coffeehouse::testing {
namespace {

TEST(Concurrency, TwoHundredConcurrentRequestsOnAPoolOfFourAllSucceed) {
  auto config = test_config(db::DbMode::async);
  config.pool_size = 4;
  RunningService service(config);
  const auto coffee_id = insert_coffee("Crowd " + unique_word());

  constexpr int clients = 200;
  std::atomic<int> ok{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<HttpClient>> connections;
  // Connect everyone first, then fire at once, so the requests really overlap.
  for (int i = 0; i < clients; ++i) connections.push_back(std::make_unique<HttpClient>(service.port()));
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      const auto result = connections[static_cast<std::size_t>(i)]->get("/coffee/" + std::to_string(coffee_id));
      if (result.status() == 200) ++ok;
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), clients);
}

}  // namespace
}  // namespace coffeehouse::testing
