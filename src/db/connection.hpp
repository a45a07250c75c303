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
#include <span>
#include <string>

namespace coffeehouse::db {

enum class DbMode : std::uint8_t { async, sync };

struct ConnectionOptions {
  std::string database_url;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds statement_timeout{10'000};  // 0: no limit
  // Async mode only: several callers' statements in flight on the connection at once
  // (AsyncConnection).
  bool pipeline = false;
  // On: every statement is prepared under its name when the connection opens, and settings
  // are made once for the session. Off: nothing outlives one exchange with the server (each
  // statement goes as unnamed Parse/Bind/Execute with its own Sync, and the settings go with
  // it), so that a transaction pooler such as PgBouncer may move the session between them.
  bool prepared_statements = true;
};

// One step of an exchange with the server: what a driver queues before the exchange's Sync.
struct Step {
  enum class Kind : std::uint8_t {
    run_prepared,  // the statement prepared under its name
    run_text,      // the statement's text as an unnamed statement
    prepare,       // PREPARE under its name
    deallocate,    // forget what is prepared under its name
  };
  Kind kind;
  const StatementSpec* statement;
  const Params* params = nullptr;  // run_* only
};

class Connection {
 public:
  explicit Connection(ConnectionOptions options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  virtual ~Connection() = default;

  // Connects, then (prepared statements on) prepares every statement in all_statements() and
  // makes the session's settings, in one exchange.
  boost::asio::awaitable<Result<void>> open();
  // Runs one statement of all_statements(). Only a pipelining connection may be asked again
  // before an earlier call ended.
  //
  // A migration that changes the type of a column a prepared statement returns makes the
  // server refuse the statement from then on (SQLSTATE 0A000, "cached plan must not change
  // result type"). The statement is then prepared again on this connection and run once more:
  // the refused run did nothing, so that is safe for writes too. Never inside a transaction,
  // which the refusal has aborted.
  boost::asio::awaitable<Result<Rows>> execute(const StatementSpec& statement, const Params& params);
  // True once the connection failed in a way that makes it unusable; the pool drops it.
  virtual bool broken() const noexcept = 0;
  // True when the session is outside any transaction with no statement in progress
  // (PQTRANS_IDLE): only then may another caller use it.
  bool session_is_idle() const noexcept;
  // True once the server said this session must end (a FATAL notice) or it turned out to be a
  // standby (a write refused as read-only): the pool replaces it rather than use it again.
  bool retired() const noexcept { return server_said_goodbye_; }
  // For an idle connection: reads whatever the server sent meanwhile without blocking, and
  // reports whether the connection survived it. A server that restarted or terminated this
  // backend has closed the socket; this notices before a request is sent down a dead line.
  bool survived_idling() noexcept;

 protected:
  const ConnectionOptions& options() const noexcept { return options_; }
  // Opens the connection to the server, in pipeline mode.
  virtual boost::asio::awaitable<Result<void>> connect() = 0;
  // Sends `steps` followed by one Sync and reads every result up to the Sync's: the first
  // error, else the last step's rows. An error in one step makes the server skip the rest.
  virtual boost::asio::awaitable<Result<Rows>> exchange(std::span<const Step> steps) = 0;
  // After a failed open(): the connection is not to be used.
  virtual void close() noexcept = 0;
  virtual PGconn* native_handle() const noexcept = 0;
  // Routes the server's notices to the log, and notes a FATAL one: a backend that is being
  // terminated says so before it closes the socket.
  void watch_server_notices(PGconn* conn) noexcept;

 private:
  ConnectionOptions options_;
  Params settings_;  // session_settings(options_)
  bool in_transaction_ = false;
  bool server_said_goodbye_ = false;
};

// Queues `step` on `conn` (in pipeline mode). False when libpq could not; PQerrorMessage says why.
bool send_step(PGconn* conn, const Step& step);

// Collects the results of one exchange: the first error, else the last result.
class ResultCollector {
 public:
  void add(PgResultPtr result);
  Result<Rows> outcome(PGconn* conn) { return classify_result(std::move(kept_), conn); }

 private:
  PgResultPtr kept_;
  bool kept_is_error_ = false;
};

// The settings the service makes, with session_settings() as parameters: the server cancels
// any statement that runs longer than the statement timeout (SQLSTATE 57014), which leaves the
// connection idle and usable. configure_session makes them once per session (prepared
// statements on); configure_transaction for the current transaction only, and goes before the
// first statement of every exchange outside a transaction (prepared statements off).
extern const StatementSpec configure_session;
extern const StatementSpec configure_transaction;
Params session_settings(const ConnectionOptions& options);
// SELECT 1: what tests and probes send when any statement will do.
extern const StatementSpec ping;

using ConnectionFactory = std::function<std::unique_ptr<Connection>()>;

ConnectionFactory make_connection_factory(DbMode mode, boost::asio::any_io_executor executor,
                                          ConnectionOptions options);

}  // namespace coffeehouse::db
