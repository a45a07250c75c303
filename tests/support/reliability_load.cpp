#include "support/reliability_load.hpp"

#include "support/http_client.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <memory>

namespace coffeehouse::testing {

Load::Load(std::uint16_t port, std::string name_prefix, std::int64_t coffee_id, int clients,
           std::chrono::seconds time_limit, int max_exchanges)
    : port_(port),
      name_prefix_(std::move(name_prefix)),
      coffee_id_(coffee_id),
      deadline_(Clock::now() + time_limit),
      max_exchanges_(max_exchanges) {
  for (int client = 0; client < clients; ++client) {
    clients_.emplace_back([this, client](const std::stop_token& stop) { run_client(stop, client); });
  }
}

Load::~Load() { (void)stop(); }

std::vector<Exchange> Load::stop() {
  for (auto& client : clients_) client.request_stop();
  clients_.clear();  // joins
  auto exchanges = snapshot();
  std::sort(exchanges.begin(), exchanges.end(), [](const auto& a, const auto& b) { return a.sent < b.sent; });
  return exchanges;
}

std::vector<Exchange> Load::snapshot() const {
  const std::lock_guard lock(mutex_);
  return exchanges_;
}

void Load::run_client(const std::stop_token& stop, int client) {
  std::unique_ptr<HttpClient> http;
  for (int n = 0; n < max_exchanges_ && !stop.stop_requested() && Clock::now() < deadline_; ++n) {
    Exchange exchange;
    exchange.is_write = n % 2 == 0;
    if (exchange.is_write) exchange.name = name_prefix_ + "-" + std::to_string(client) + "-" + std::to_string(n);
    exchange.sent = Clock::now();
    try {
      if (!http) http = std::make_unique<HttpClient>(port_);
      const auto result = exchange.is_write
                              ? http->post_json("/users", boost::json::serialize(boost::json::object{
                                                              {"name", exchange.name}, {"coffee_id", coffee_id_}}))
                              : http->get("/coffee/" + std::to_string(coffee_id_));
      exchange.status = result.status();
      exchange.retry_after = !result.header("Retry-After").empty();
      if (!exchange.succeeded()) exchange.detail = result.error_code();
      if (!result.message.keep_alive()) http.reset();
    } catch (const std::exception& error) {
      exchange.detail = error.what();
      http.reset();
    }
    exchange.answered = Clock::now();
    {
      const std::lock_guard lock(mutex_);
      exchanges_.push_back(std::move(exchange));
    }
    // Leaves the two shared cores some room for PostgreSQL's own restart.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string unexpected_answers(const std::vector<Exchange>& exchanges) {
  std::string report;
  for (const auto& exchange : exchanges) {
    const bool promised_outage_answer =
        exchange.status == 503 && exchange.retry_after && exchange.detail == "database_unavailable";
    if (exchange.succeeded() || promised_outage_answer) continue;
    report += (exchange.is_write ? "POST /users " : "GET /coffee ") + std::to_string(exchange.status) + " " +
              exchange.detail + "\n";
  }
  return report;
}

}  // namespace coffeehouse::testing
