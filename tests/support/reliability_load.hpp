#pragma once
// Clients that keep a service busy with writes and reads while a test breaks its database. Every
// exchange is remembered, so the test can check afterwards what was answered how, and when.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace coffeehouse::testing {

using Clock = std::chrono::steady_clock;

struct Exchange {
  bool is_write = false;
  std::string name;     // a write's user name, unique per write
  unsigned status = 0;  // 0: no HTTP answer (the connection failed)
  std::string detail;   // the error code of an error answer, or what the socket said
  bool retry_after = false;
  Clock::time_point sent;
  Clock::time_point answered;

  bool succeeded() const { return status == 200 || status == 201; }
  Clock::duration took() const { return answered - sent; }
};

class Load {
 public:
  // `clients` threads, each on its own keep-alive connection, alternating POST /users (name
  // "<prefix>-<client>-<n>", coffee `coffee_id`) and GET /coffee/{coffee_id}, until stop() or
  // `time_limit`, at most `max_exchanges` per client. A failed connection is replaced.
  Load(std::uint16_t port, std::string name_prefix, std::int64_t coffee_id, int clients,
       std::chrono::seconds time_limit = std::chrono::seconds(60), int max_exchanges = 20'000);
  ~Load();
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

  // Stops the clients and returns every exchange, in the order they were sent.
  std::vector<Exchange> stop();
  // Exchanges answered so far (a copy), to poll while the load runs.
  std::vector<Exchange> snapshot() const;

 private:
  void run_client(const std::stop_token& stop, int client);

  std::uint16_t port_;
  std::string name_prefix_;
  std::int64_t coffee_id_;
  Clock::time_point deadline_;
  int max_exchanges_;
  mutable std::mutex mutex_;
  std::vector<Exchange> exchanges_;
  std::vector<std::jthread> clients_;
};

// Requests that were answered neither 2xx nor 503-with-Retry-After (the promised outage answer),
// one line each, for a failure message.
std::string unexpected_answers(const std::vector<Exchange>& exchanges);

}  // namespace coffeehouse::testing
