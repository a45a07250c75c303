#pragma once
#include "db/connection.hpp"

namespace coffeehouse::db {

// Blocking libpq (PQconnectdb, PQexecPrepared) on the calling thread: the model of a Flask view
// under a Gunicorn sync worker. Its coroutines complete without ever suspending, so the io thread
// that runs them does nothing else until PostgreSQL answers.
class SyncConnection final : public Connection {
 public:
  explicit SyncConnection(ConnectionOptions options) : options_(std::move(options)) {}

  boost::asio::awaitable<Result<void>> open() override;
  boost::asio::awaitable<Result<Rows>> execute(const StatementSpec& statement, const Params& params) override;
  bool broken() const noexcept override;

 protected:
  PGconn* native_handle() const noexcept override { return conn_.get(); }

 private:
  ConnectionOptions options_;
  PgConnPtr conn_;
};

}  // namespace coffeehouse::db
