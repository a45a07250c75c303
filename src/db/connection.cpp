#include "db/connection.hpp"

#include "db/async_connection.hpp"
#include "db/sync_connection.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>

#include <array>
#include <vector>

namespace coffeehouse::db {

const StatementSpec configure_session{"configure_session", "SELECT set_config('statement_timeout', $1::text, false)"};
const StatementSpec configure_transaction{"configure_transaction",
                                          "SELECT set_config('statement_timeout', $1::text, true)"};
const StatementSpec ping{"ping", "SELECT 1"};

namespace {

bool is_stale_plan(const DbError& error) noexcept { return error.sqlstate == sqlstate::cached_plan_changed; }

}  // namespace

Connection::Connection(ConnectionOptions options)
    : options_(std::move(options)), settings_(session_settings(options_)) {}

boost::asio::awaitable<Result<void>> Connection::open() {
  in_transaction_ = false;
  if (auto connected = co_await connect(); !connected) co_return connected;
  if (!options_.prepared_statements) co_return Result<void>{};
  // One exchange: one round trip instead of one per statement.
  std::vector<Step> steps;
  steps.reserve(all_statements().size() + 1);
  for (const auto* statement : all_statements()) steps.push_back({Step::Kind::prepare, statement});
  steps.push_back({Step::Kind::run_prepared, &configure_session, &settings_});
  if (auto prepared = co_await exchange(steps); !prepared) {
    close();
    co_return prepared.error();
  }
  co_return Result<void>{};
}

boost::asio::awaitable<Result<Rows>> Connection::execute(const StatementSpec& statement, const Params& params) {
  const bool outside_transaction = !in_transaction_;
  std::array<Step, 2> steps{};
  std::size_t count = 0;
  if (options_.prepared_statements) {
    steps[count++] = {Step::Kind::run_prepared, &statement, &params};
  } else {
    // Nothing set on a session survives a transaction pooler: the settings go with the first
    // statement of every transaction, explicit or the implicit one of this exchange.
    if (outside_transaction) steps[count++] = {Step::Kind::run_text, &configure_transaction, &settings_};
    steps[count++] = {Step::Kind::run_text, &statement, &params};
  }
  const std::span<const Step> exchanged(steps.data(), count);
  auto outcome = co_await exchange(exchanged);
  if (!outcome && is_stale_plan(outcome.error()) && outside_transaction &&
      statement.transaction == TransactionEffect::none) {
    spdlog::warn("statement {} prepared again: {}", statement.name, outcome.error().message);
    const std::array<Step, 2> again{Step{Step::Kind::deallocate, &statement}, Step{Step::Kind::prepare, &statement}};
    // Unnamed statements are planned afresh each time: only a prepared one needs replacing.
    if (options_.prepared_statements) {
      if (auto prepared = co_await exchange(again); !prepared) co_return prepared.error();
    }
    outcome = co_await exchange(exchanged);
  }
  // The server is a standby now (a failover demoted it, or the address still points at the old
  // primary): this session can never write again. Retired like one the server said goodbye to,
  // so the pool opens a new one, which a multi-host URL with target_session_attrs=read-write (or
  // HAProxy's primary port) takes to the new primary.
  if (!outcome && outcome.error().sqlstate == sqlstate::read_only_sql_transaction) server_said_goodbye_ = true;
  switch (statement.transaction) {
    case TransactionEffect::begins: in_transaction_ = outcome.has_value(); break;
    case TransactionEffect::ends: in_transaction_ = false; break;
    case TransactionEffect::none: break;
  }
  co_return outcome;
}

bool send_step(PGconn* conn, const Step& step) {
  const auto& statement = *step.statement;
  switch (step.kind) {
    case Step::Kind::run_prepared:
      return PQsendQueryPrepared(conn, statement.name.data(), step.params->size(), step.params->pointers(), nullptr,
                                 nullptr, 0) != 0;
    case Step::Kind::run_text:
      return PQsendQueryParams(conn, statement.sql.data(), step.params->size(), nullptr, step.params->pointers(),
                               nullptr, nullptr, 0) != 0;
    case Step::Kind::prepare: return PQsendPrepare(conn, statement.name.data(), statement.sql.data(), 0, nullptr) != 0;
    case Step::Kind::deallocate: {
      // The name is one of ours (all_statements()), never a request's: quoting is for form.
      const std::string sql = "DEALLOCATE \"" + std::string(statement.name) + '"';
      return PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 0;
    }
  }
  return false;
}

void ResultCollector::add(PgResultPtr result) {
  if (kept_is_error_) return;
  const auto status = PQresultStatus(result.get());
  // A step after a failed one comes back PGRES_PIPELINE_ABORTED: the failure is kept already.
  kept_is_error_ = status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE;
  kept_ = std::move(result);
}

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
