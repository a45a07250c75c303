#include "offline_app.hpp"

#include "handlers/routes.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

#include <cstdio>
#include <cstdlib>

namespace coffeehouse::fuzz {
namespace {

class UnreachableConnection : public db::Connection {
 public:
  UnreachableConnection() : db::Connection(db::ConnectionOptions{}) {}
  bool broken() const noexcept override { return true; }

 protected:
  boost::asio::awaitable<db::Result<void>> connect() override {
    co_return db::DbError(db::ErrorKind::unavailable, "no database while fuzzing");
  }
  boost::asio::awaitable<db::Result<db::Rows>> exchange(std::span<const db::Step>) override {
    co_return db::DbError(db::ErrorKind::unavailable, "no database while fuzzing");
  }
  void close() noexcept override {}
  PGconn* native_handle() const noexcept override { return nullptr; }
};

}  // namespace

OfflineApp::OfflineApp()
    : pool_(db::Pool::create(io_.get_executor(), db::PoolOptions{},
                             [] { return std::make_unique<UnreachableConnection>(); })),
      state_{.expected_heads = {}, .seeding_finished{true}, .bench_routes = true},
      reads_(io_.get_executor(), *pool_, nullptr, {}),
      services_{db::UserStore(*pool_, reads_),
                db::CoffeeStore(reads_),
                db::SchemaStore(*pool_),
                db::BenchStore(*pool_),
                reads_,
                state_,
                [this]() -> boost::asio::awaitable<metrics::Snapshot> {
                  co_return metrics::Snapshot{metrics::WorkerMetrics(router_.patterns().size()), {}, {}, {}, {}};
                },
                [this]() -> const metrics::ExpositionLabels& { return labels_; }},
      router_(handlers::make_router(services_)),
      handler_([this](const net::Request& request) -> boost::asio::awaitable<net::Response> {
        auto dispatched = co_await router_.dispatch(request);
        co_return std::move(dispatched.response);
      }) {
  spdlog::set_level(spdlog::level::off);
  labels_ = {&router_.patterns(), "async", "fuzz"};
}

void require(bool condition, std::string_view what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant violated: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

void require_api_answer(const net::Response& response) {
  const auto status = response.result_int();
  switch (status) {
    case 200:
    case 201:
    case 400:
    case 404:
    case 405:
    case 413:
    case 415:
    case 422:
    case 431:
    case 503: break;
    default: require(false, "unexpected status " + std::to_string(status) + ": " + response.body());
  }
  if (status >= 400) {
    boost::system::error_code ec;
    const auto body = boost::json::parse(response.body(), ec);
    require(!ec && body.is_object() && body.as_object().contains("error"), "error body is not {\"error\": ...}");
    const auto& error = body.at("error");
    require(error.is_object() && error.as_object().contains("code") && error.at("code").is_string() &&
                error.as_object().contains("message") && error.at("message").is_string(),
            "error object lacks code or message");
  }
  if (status == 405) require(!response[net::http::field::allow].empty(), "405 without Allow");
  if (status == 503) require(!response[net::http::field::retry_after].empty(), "503 without Retry-After");
}

}  // namespace coffeehouse::fuzz
