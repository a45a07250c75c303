#pragma once
// One PostgreSQL connection, as the pool and the handlers see it. The two drivers differ only
// in how they wait: AsyncConnection suspends the coroutine on socket readiness, SyncConnection
// blocks the calling thread inside libpq (and so never suspends at all).
#include "db/params.hpp"
#include "db/result.hpp"
#include "db/rows.hpp"
#include "db/statements.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace coffeehouse::db {

class Connection {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  virtual ~Connection() = default;

  // Connects and prepares every statement in all_statements().
  virtual boost::asio::awaitable<Result<void>> open() = 0;
  // One statement of all_statements(). Only a pipelining connection may be asked again before an
  // earlier call ended.
  virtual boost::asio::awaitable<Result<Rows>> execute(const StatementSpec& statement, const Params& params) = 0;
  // True once the connection failed in a way that makes it unusable; the pool drops it.
  virtual bool broken() const noexcept = 0;
  // True when the session is outside any transaction with no statement in progress
  // (PQTRANS_IDLE): only then may another caller use it.
  bool session_is_idle() const noexcept;
  // For an idle connection: reads whatever the server sent meanwhile without blocking, and
  // reports whether the connection survived it. A server that restarted or terminated this
  // backend has closed the socket; this notices before a request is sent down a dead line.
  bool survived_idling() noexcept;

 protected:
  virtual PGconn* native_handle() const noexcept = 0;
  // Routes the server's notices to the log, and notes a FATAL one: a backend that is being
  // terminated says so before it closes the socket.
  void watch_server_notices(PGconn* conn) noexcept;

 private:
  bool server_said_goodbye_ = false;
};

enum class DbMode : std::uint8_t { async, sync };

struct ConnectionOptions {
  std::string database_url;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds statement_timeout{10'000};  // 0: no limit
  // Async mode only: keep the connection in libpq's pipeline mode, so that several callers'
  // queries can be in flight on it at once (AsyncConnection).
  bool pipeline = false;
};

// Run once per connection after preparing, with session_settings(): the server cancels any
// statement that runs longer (SQLSTATE 57014), which leaves the connection idle and usable.
extern const StatementSpec configure_session;
Params session_settings(const ConnectionOptions& options);
// SELECT 1: what tests and probes send when any statement will do.
extern const StatementSpec ping;

using ConnectionFactory = std::function<std::unique_ptr<Connection>()>;

ConnectionFactory make_connection_factory(DbMode mode, boost::asio::any_io_executor executor,
                                          ConnectionOptions options);

}  // namespace coffeehouse::db
