#pragma once
#include "db/connection.hpp"

namespace coffeehouse::db {

// Blocking libpq (PQconnectdb, then PQgetResult waiting inside libpq) on the calling thread: the
// model of a Flask view under a Gunicorn sync worker. Its coroutines complete without ever
// suspending, so the io thread that runs them does nothing else until PostgreSQL answers.
class SyncConnection final : public Connection {
 public:
  explicit SyncConnection(ConnectionOptions options) : Connection(std::move(options)) {}

  bool broken() const noexcept override;

 protected:
  boost::asio::awaitable<Result<void>> connect() override;
  boost::asio::awaitable<Result<Rows>> exchange(std::span<const Step> steps) override;
  void close() noexcept override { conn_.reset(); }
  PGconn* native_handle() const noexcept override { return conn_.get(); }

 private:
  PgConnPtr conn_;
};

}  // namespace coffeehouse::db
