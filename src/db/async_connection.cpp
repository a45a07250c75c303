#include "db/async_connection.hpp"

#include "db/conninfo.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coffeehouse::db {

namespace asio = boost::asio;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

AsyncConnection::AsyncConnection(asio::any_io_executor executor, ConnectionOptions options)
    : options_(std::move(options)), socket_(std::move(executor)) {}

AsyncConnection::~AsyncConnection() {
  if (socket_.is_open()) socket_.release();
}

DbError AsyncConnection::fail(ErrorKind kind, std::string message) {
  broken_ = true;
  return DbError::make(kind, std::move(message));
}

void AsyncConnection::watch_current_socket() {
  // libpq may close and reopen its socket while connecting (another host, SSL fallback), and the
  // new fd can reuse the old number, which epoll would no longer watch. Re-registering after
  // every step is cheap and always right.
  if (socket_.is_open()) socket_.release();
  socket_.assign(PQsocket(conn_.get()));
}

asio::awaitable<error_code> AsyncConnection::wait_for(Readiness readiness) {
  using namespace asio::experimental::awaitable_operators;
  switch (readiness) {
    case Readiness::readable: {
      auto [ec] = co_await socket_.async_wait(asio::posix::descriptor_base::wait_read, use_tuple);
      co_return ec;
    }
    case Readiness::writable: {
      auto [ec] = co_await socket_.async_wait(asio::posix::descriptor_base::wait_write, use_tuple);
      co_return ec;
    }
    case Readiness::either: {
      auto first = co_await (socket_.async_wait(asio::posix::descriptor_base::wait_read, use_tuple) ||
                             socket_.async_wait(asio::posix::descriptor_base::wait_write, use_tuple));
      co_return std::visit([](const auto& result) { return std::get<0>(result); }, first);
    }
  }
  co_return error_code{};
}

asio::awaitable<DbError> AsyncConnection::open() {
  broken_ = true;
  conn_ = start_connect(options_.database_url, options_.connect_timeout);
  if (!conn_) co_return fail(ErrorKind::unavailable, "out of memory starting a connection");
  if (PQstatus(conn_.get()) == CONNECTION_BAD) co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
  watch_server_notices(conn_.get());

  // libpq's connect_timeout only applies to its blocking functions; bound the poll loop ourselves.
  asio::steady_timer deadline(socket_.get_executor(), options_.connect_timeout);
  bool timed_out = false;
  deadline.async_wait([this, &timed_out](error_code ec) {
    if (ec) return;
    timed_out = true;
    if (socket_.is_open()) socket_.cancel();
  });

  // Per libpq's docs, the first wait is for writability, as if PQconnectPoll had returned WRITING.
  auto poll_status = PGRES_POLLING_WRITING;
  while (poll_status != PGRES_POLLING_OK) {
    if (poll_status == PGRES_POLLING_FAILED) {
      deadline.cancel();
      co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
    }
    watch_current_socket();
    const auto ec = co_await wait_for(poll_status == PGRES_POLLING_READING ? Readiness::readable : Readiness::writable);
    if (timed_out) co_return fail(ErrorKind::unavailable, "timed out connecting to the database");
    if (ec) {
      deadline.cancel();
      co_return fail(ErrorKind::unavailable, "waiting to connect: " + ec.message());
    }
    poll_status = PQconnectPoll(conn_.get());
  }
  deadline.cancel();
  if (PQsetnonblocking(conn_.get(), 1) != 0) co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
  watch_current_socket();
  broken_ = false;

  for (const auto& statement : all_statements()) {
    if (PQsendPrepare(conn_.get(), statement.name.data(), statement.sql.data(), 0, nullptr) == 0) {
      co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
    }
    if (auto error = co_await flush_outgoing()) co_return error;
    auto outcome = co_await read_outcome();
    if (!outcome.ok()) {
      broken_ = true;
      co_return outcome.error;
    }
  }
  if (auto configured = co_await execute(Statement::configure_session, session_settings(options_)); !configured.ok()) {
    broken_ = true;
    co_return configured.error;
  }
  co_return DbError{};
}

asio::awaitable<QueryOutcome> AsyncConnection::execute(Statement statement, const Params& params) {
  if (broken_) co_return QueryOutcome{{}, DbError::make(ErrorKind::unavailable, "connection is not open")};
  if (PQsendQueryPrepared(conn_.get(), spec(statement).name.data(), params.size(), params.pointers(), nullptr,
                          nullptr, 0) == 0) {
    co_return QueryOutcome{{}, fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()))};
  }
  if (auto error = co_await flush_outgoing()) co_return QueryOutcome{{}, std::move(error)};
  co_return co_await read_outcome();
}

asio::awaitable<DbError> AsyncConnection::flush_outgoing() {
  // PQflush returns 1 while data is still queued. The server may be waiting for us to read
  // before it reads more, so wait for either direction and consume input when readable.
  for (;;) {
    const int pending = PQflush(conn_.get());
    if (pending == 0) co_return DbError{};
    if (pending < 0) co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
    if (const auto ec = co_await wait_for(Readiness::either)) {
      co_return fail(ErrorKind::unavailable, "waiting to send: " + ec.message());
    }
    if (PQconsumeInput(conn_.get()) == 0) co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
  }
}

asio::awaitable<QueryOutcome> AsyncConnection::read_outcome() {
  // One statement yields its results and then a null; keep the first error, else the last result.
  PgResultPtr kept;
  bool kept_is_error = false;
  for (;;) {
    if (PQconsumeInput(conn_.get()) == 0) {
      co_return QueryOutcome{{}, fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()))};
    }
    while (PQisBusy(conn_.get()) == 0) {
      PgResultPtr result(PQgetResult(conn_.get()));
      if (!result) co_return classify_result(std::move(kept), conn_.get());
      const auto status = PQresultStatus(result.get());
      const bool is_error = status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE;
      if (!kept_is_error) {
        kept = std::move(result);
        kept_is_error = is_error;
      }
    }
    if (const auto ec = co_await wait_for(Readiness::readable)) {
      co_return QueryOutcome{{}, fail(ErrorKind::unavailable, "waiting for a result: " + ec.message())};
    }
  }
}

}  // namespace coffeehouse::db
