#include "db/sync_connection.hpp"

#include "db/conninfo.hpp"

namespace coffeehouse::db {

boost::asio::awaitable<Result<void>> SyncConnection::open() {
  conn_ = connect_blocking(options_.database_url, options_.connect_timeout);
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
    conn_.reset();
    co_return DbError(ErrorKind::unavailable, std::move(message));
  }
  watch_server_notices(conn_.get());
  for (const auto* statement : all_statements()) {
    PgResultPtr prepared(PQprepare(conn_.get(), statement->name.data(), statement->sql.data(), 0, nullptr));
    if (auto outcome = classify_result(std::move(prepared), conn_.get()); !outcome) {
      conn_.reset();
      co_return outcome.error();
    }
  }
  if (auto configured = co_await execute(configure_session, session_settings(options_)); !configured) {
    conn_.reset();
    co_return configured.error();
  }
  co_return Result<void>{};
}

boost::asio::awaitable<Result<Rows>> SyncConnection::execute(const StatementSpec& statement, const Params& params) {
  PgResultPtr result(PQexecPrepared(conn_.get(), statement.name.data(), params.size(), params.pointers(), nullptr,
                                    nullptr, 0));
  co_return classify_result(std::move(result), conn_.get());
}

bool SyncConnection::broken() const noexcept { return !conn_ || PQstatus(conn_.get()) != CONNECTION_OK; }

}  // namespace coffeehouse::db
