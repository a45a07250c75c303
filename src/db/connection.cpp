#include "db/connection.hpp"

#include "db/async_connection.hpp"
#include "db/sync_connection.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>

namespace coffeehouse::db {

const StatementSpec configure_session{"configure_session", "SELECT set_config('statement_timeout', $1::text, false)"};
const StatementSpec ping{"ping", "SELECT 1"};

bool Connection::session_is_idle() const noexcept {
  PGconn* conn = native_handle();
  return conn != nullptr && PQtransactionStatus(conn) == PQTRANS_IDLE;
}

bool Connection::survived_idling() noexcept {
  PGconn* conn = native_handle();
  if (broken() || conn == nullptr) return false;
  // A terminated backend sends its FATAL message and then closes. libpq reads one batch per
  // PQconsumeInput and only notices the close on a read that returns nothing, so keep reading
  // while the socket says there is more. The socket is nonblocking in both modes: no waiting.
  for (int reads = 0; reads < 4; ++reads) {
    pollfd socket{PQsocket(conn), POLLIN, 0};
    if (::poll(&socket, 1, 0) <= 0) break;  // nothing pending: the line is quiet
    if (PQconsumeInput(conn) == 0) return false;
  }
  // The FATAL message may arrive before the close does; parsing it (PQisBusy parses what was
  // read) hands it to the notice receiver, which marks the connection as told to go.
  (void)PQisBusy(conn);
  return !server_said_goodbye_ && PQstatus(conn) == CONNECTION_OK;
}

void Connection::watch_server_notices(PGconn* conn) noexcept {
  server_said_goodbye_ = false;
  PQsetNoticeReceiver(
      conn,
      [](void* self, const PGresult* notice) {
        const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
        const std::string_view level = severity != nullptr ? severity : "";
        if (level == "FATAL" || level == "PANIC") static_cast<Connection*>(self)->server_said_goodbye_ = true;
        std::string_view text = PQresultErrorMessage(notice);
        while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
        spdlog::warn("postgres: {}", text);
      },
      this);
}

Params session_settings(const ConnectionOptions& options) {
  return Params().add(static_cast<std::int64_t>(options.statement_timeout.count()));
}

ConnectionFactory make_connection_factory(DbMode mode, boost::asio::any_io_executor executor,
                                          ConnectionOptions options) {
  if (mode == DbMode::sync) {
    return [options = std::move(options)] { return std::make_unique<SyncConnection>(options); };
  }
  return [executor = std::move(executor), options = std::move(options)] {
    return std::make_unique<AsyncConnection>(executor, options);
  };
}

}  // namespace coffeehouse::db
