#include "db/async_connection.hpp"

#include "db/conninfo.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

namespace coffeehouse::db {

namespace asio = boost::asio;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// An exchange in the pipeline, from its send until its Sync comes back.
struct AsyncConnection::Sent {
  Awaiting* awaiting = nullptr;  // null once answered, or once its caller is gone: then the
                                 // results are still read, and dropped
  ResultCollector results;
  std::size_t steps_left = 0;  // steps whose results are still to come; then its Sync's result
  void answer(Result<Rows> outcome);
};

// Lives in the frame of the coroutine that waits for a query's outcome. If the frame is
// destroyed first (its io_context is going away), it detaches from its Sent so that the reader
// drops the outcome instead of writing into freed memory.
class AsyncConnection::Awaiting {
 public:
  Awaiting(AsyncConnection& connection, std::size_t steps)
      : wake_(connection.socket_.get_executor(), asio::steady_timer::time_point::max()),
        sent_(&connection.sent_.emplace_back()) {
    sent_->awaiting = this;
    sent_->steps_left = steps;
  }
  Awaiting(const Awaiting&) = delete;
  Awaiting& operator=(const Awaiting&) = delete;
  ~Awaiting() {
    if (sent_ != nullptr) sent_->awaiting = nullptr;
  }

  void deliver(Result<Rows> outcome) {
    outcome_ = std::move(outcome);
    sent_ = nullptr;
    wake_.cancel();
  }
  asio::awaitable<Result<Rows>> outcome() {
    // Delivered already when the connection failed before this coroutine got to wait.
    if (sent_ != nullptr) (void)co_await wake_.async_wait(use_tuple);
    if (sent_ != nullptr) {
      // The wait was cancelled: the query stays in the pipeline, and its answer will be dropped.
      std::exchange(sent_, nullptr)->awaiting = nullptr;
      co_return DbError(ErrorKind::unavailable, "the wait for the query's result was cancelled");
    }
    co_return std::move(outcome_);
  }

 private:
  asio::steady_timer wake_;
  Sent* sent_;
  Result<Rows> outcome_;
};

void AsyncConnection::Sent::answer(Result<Rows> outcome) {
  if (awaiting == nullptr) return;
  awaiting->deliver(std::move(outcome));
  awaiting = nullptr;
}

AsyncConnection::AsyncConnection(asio::any_io_executor executor, ConnectionOptions options)
    : Connection(std::move(options)), socket_(std::move(executor)) {}

AsyncConnection::~AsyncConnection() {
  *alive_ = false;
  if (!sent_.empty()) fail_pipeline("the connection was closed");
  error_code ignored;
  socket_.close(ignored);
}

DbError AsyncConnection::fail(ErrorKind kind, std::string message) {
  broken_ = true;
  return {kind, std::move(message)};
}

Result<void> AsyncConnection::watch_current_socket() {
  // Asio watches a duplicate of libpq's socket that this object owns, not libpq's own fd.
  // libpq closes its fd whenever it drops a connection (the server went away, a failed connect
  // attempt), and another io thread's new connection may get that number at once. Were Asio
  // watching libpq's fd, deregistering it afterwards would take the other connection's socket
  // out of epoll, and its waits would never end. The duplicate's number stays ours until we
  // close it. libpq may also switch sockets while connecting (another host, SSL fallback), so
  // this runs after every connect step: cheap, and always right.
  error_code ignored;
  socket_.close(ignored);
  const int libpq_fd = PQsocket(conn_.get());
  if (libpq_fd < 0) return fail(ErrorKind::unavailable, "the connection has no socket");
  const int own_fd = ::fcntl(libpq_fd, F_DUPFD_CLOEXEC, 0);
  if (own_fd < 0)
    return fail(ErrorKind::unavailable, std::string("duplicating the connection's socket: ") + std::strerror(errno));
  socket_.assign(own_fd);
  return {};
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

asio::awaitable<Result<void>> AsyncConnection::connect() {
  // libpq's connect_timeout only applies to its blocking functions: a host that accepts the TCP
  // connection and never answers (a hung server, a black-holed address behind a proxy) would
  // hold PQconnectPoll until the kernel gives up, minutes later, and the hosts after it in a
  // multi-host URL would never be tried. So each host is tried alone under its own deadline.
  const auto plan = plan_hosts(options().database_url);
  const auto deadline = plan.connect_timeout.value_or(options().connect_timeout);
  if (plan.hosts.empty()) co_return co_await connect_once(nullptr, {}, deadline);
  std::string failures;
  for (const auto& pass : plan.passes) {
    for (const auto& host : plan.hosts) {
      auto connected = co_await connect_once(&host, pass, deadline);
      if (connected) co_return connected;
      auto reason = connected.error().message;
      while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
      failures += (failures.empty() ? "" : "; ") + host.label + ": " + reason;
    }
  }
  co_return fail(ErrorKind::unavailable, failures);
}

asio::awaitable<Result<void>> AsyncConnection::connect_once(const HostOverride* host, const std::string& pass,
                                                            std::chrono::milliseconds timeout) {
  broken_ = true;
  conn_ = host == nullptr ? start_connect(options().database_url, timeout)
                          : start_connect_to(options().database_url, timeout, *host, pass);
  if (!conn_) co_return fail(ErrorKind::unavailable, "out of memory starting a connection");
  if (PQstatus(conn_.get()) == CONNECTION_BAD) co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
  watch_server_notices(conn_.get());

  asio::steady_timer deadline(socket_.get_executor(), timeout);
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
    if (auto watched = watch_current_socket(); !watched) {
      deadline.cancel();
      co_return watched;
    }
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
  if (auto watched = watch_current_socket(); !watched) co_return watched;
  // Pipeline mode always: an exchange's steps share one Sync and one round trip.
  if (PQenterPipelineMode(conn_.get()) == 0) co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
  broken_ = false;
  co_return Result<void>{};
}

Result<void> AsyncConnection::send_exchange(std::span<const Step> steps) {
  PGconn* conn = conn_.get();
  for (const auto& step : steps) {
    if (!send_step(conn, step)) return fail(ErrorKind::unavailable, PQerrorMessage(conn));
  }
  if (PQpipelineSync(conn) == 0) return fail(ErrorKind::unavailable, PQerrorMessage(conn));
  return {};
}

asio::awaitable<Result<Rows>> AsyncConnection::exchange(std::span<const Step> steps) {
  if (broken_) co_return DbError(ErrorKind::unavailable, "connection is not open");
  if (options().pipeline) co_return co_await exchange_pipelined(steps);
  if (auto sent = send_exchange(steps); !sent) co_return sent.error();
  if (auto flushed = co_await flush_outgoing(); !flushed) co_return flushed.error();
  // The answer is a round trip away: reading at once would only cost a recv() that finds nothing.
  // (A flush that had to wait may have read input already: PQisBusy parses what libpq holds, and
  // says whether the socket must still deliver the rest.)
  if (PQisBusy(conn_.get()) != 0) {
    if (const auto ec = co_await wait_for(Readiness::readable)) {
      co_return fail(ErrorKind::unavailable, "waiting for a result: " + ec.message());
    }
  }
  co_return co_await read_exchange(steps.size());
}

asio::awaitable<Result<void>> AsyncConnection::flush_outgoing() {
  // PQflush returns 1 while data is still queued. The server may be waiting for us to read
  // before it reads more, so wait for either direction and consume input when readable.
  for (;;) {
    const int pending = PQflush(conn_.get());
    if (pending == 0) co_return Result<void>{};
    if (pending < 0) co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
    if (const auto ec = co_await wait_for(Readiness::either)) {
      co_return fail(ErrorKind::unavailable, "waiting to send: " + ec.message());
    }
    if (PQconsumeInput(conn_.get()) == 0) co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
  }
}

asio::awaitable<Result<Rows>> AsyncConnection::read_exchange(std::size_t steps) {
  ResultCollector results;
  // Each step's results end with a null, the exchange with the Sync's result.
  std::size_t ended = 0;
  for (;;) {
    if (PQconsumeInput(conn_.get()) == 0) co_return fail(ErrorKind::unavailable, PQerrorMessage(conn_.get()));
    while (PQisBusy(conn_.get()) == 0) {
      PgResultPtr result(PQgetResult(conn_.get()));
      if (!result) {
        if (++ended > steps) co_return fail(ErrorKind::unavailable, "lost track of the results");
        continue;
      }
      if (PQresultStatus(result.get()) == PGRES_PIPELINE_SYNC) co_return results.outcome(conn_.get());
      results.add(std::move(result));
    }
    if (const auto ec = co_await wait_for(Readiness::readable)) {
      co_return fail(ErrorKind::unavailable, "waiting for a result: " + ec.message());
    }
  }
}

asio::awaitable<Result<Rows>> AsyncConnection::exchange_pipelined(std::span<const Step> steps) {
  if (auto sent = send_exchange(steps); !sent) {
    fail_pipeline(sent.error().message);
    co_return sent.error();
  }
  PGconn* conn = conn_.get();
  Awaiting awaiting(*this, steps.size());
  // PQpipelineSync sent what the socket took; the rest goes out when it is writable.
  if (!flushing_ && PQflush(conn) != 0) {
    flushing_ = true;
    asio::co_spawn(socket_.get_executor(), flush_pipeline(alive_), asio::detached);
  }
  // Sending can read: libpq takes in whatever the server sent when the socket will not take more,
  // so answers to earlier queries may now sit in libpq's buffer, where no readiness event will
  // ever announce them to the reader. Hand them out here.
  take_pipeline_results();
  if (!reading_) {
    reading_ = true;
    asio::co_spawn(socket_.get_executor(), read_pipeline(alive_), asio::detached);
  }
  co_return co_await awaiting.outcome();
}

asio::awaitable<void> AsyncConnection::read_pipeline(std::shared_ptr<bool> alive) {
  for (;;) {
    if (PQconsumeInput(conn_.get()) == 0) {
      fail_pipeline(PQerrorMessage(conn_.get()));
      break;
    }
    take_pipeline_results();
    if (sent_.empty()) break;
    // PQconsumeInput reads one buffer's worth: with many results queued, more may sit in the
    // socket, whose readiness was already reported. Waiting for it would wait for the next edge.
    if (input_waiting()) continue;
    const auto ec = co_await wait_for(Readiness::readable);
    if (!*alive) co_return;
    if (ec) {
      fail_pipeline("waiting for a result: " + ec.message());
      break;
    }
  }
  reading_ = false;
}

asio::awaitable<void> AsyncConnection::flush_pipeline(std::shared_ptr<bool> alive) {
  // Whatever the server sends meanwhile is read by read_pipeline, so only writability matters.
  for (;;) {
    const int pending = PQflush(conn_.get());
    if (pending < 0) fail_pipeline(PQerrorMessage(conn_.get()));
    take_pipeline_results();  // what the flush read, as in exchange_pipelined
    if (pending != 1) break;
    const auto ec = co_await wait_for(Readiness::writable);
    if (!*alive) co_return;
    if (ec) {
      fail_pipeline("waiting to send: " + ec.message());
      break;
    }
  }
  flushing_ = false;
}

bool AsyncConnection::input_waiting() const noexcept {
  pollfd socket{PQsocket(conn_.get()), POLLIN, 0};
  return ::poll(&socket, 1, 0) > 0;
}

void AsyncConnection::take_pipeline_results() {
  PGconn* conn = conn_.get();
  while (!sent_.empty() && PQisBusy(conn) == 0) {
    PgResultPtr result(PQgetResult(conn));
    auto& oldest = sent_.front();
    if (oldest.steps_left > 0) {
      if (result) {
        oldest.results.add(std::move(result));
      } else {
        --oldest.steps_left;
      }
      continue;
    }
    if (!result || PQresultStatus(result.get()) != PGRES_PIPELINE_SYNC) {
      fail_pipeline("the pipeline lost track of its results");
      return;
    }
    // Answered at its Sync, not at its last result: by the time the caller runs again and gives
    // its slot back, the pipeline holds nothing of this query any more.
    oldest.answer(oldest.results.outcome(conn));
    sent_.pop_front();
  }
  if (PQstatus(conn) == CONNECTION_BAD) fail_pipeline(PQerrorMessage(conn));
}

void AsyncConnection::fail_pipeline(std::string message) {
  broken_ = true;
  const DbError error(ErrorKind::unavailable, std::move(message));
  for (auto& sent : sent_) sent.answer(error);
  sent_.clear();
}

}  // namespace coffeehouse::db
