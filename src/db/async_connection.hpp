#pragma once
#include "db/connection.hpp"
#include "db/conninfo.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>

namespace coffeehouse::db {

// Nonblocking libpq driven by socket readiness: the io thread never waits inside libpq.
// Connects with PQconnectStart/PQconnectPoll, sends an exchange's steps and its Sync in libpq's
// pipeline mode + PQflush and reads with PQconsumeInput/PQisBusy/PQgetResult, suspending the
// coroutine on the socket in between.
//
// Without pipelining it serves one coroutine at a time (the pool hands it out exclusively).
// With ConnectionOptions::pipeline execute() may be called again before earlier calls finished:
// each exchange goes out at once with its own Sync (so an error aborts that exchange alone), and
// one reader coroutine takes the results in the order the exchanges were sent and hands each to
// its caller.
class AsyncConnection final : public Connection {
 public:
  AsyncConnection(boost::asio::any_io_executor executor, ConnectionOptions options);
  ~AsyncConnection() override;

  bool broken() const noexcept override { return broken_; }

 protected:
  boost::asio::awaitable<Result<void>> connect() override;
  boost::asio::awaitable<Result<Rows>> exchange(std::span<const Step> steps) override;
  void close() noexcept override { broken_ = true; }
  PGconn* native_handle() const noexcept override { return conn_.get(); }

 private:
  enum class Readiness : std::uint8_t { readable, writable, either };
  struct Sent;
  class Awaiting;

  boost::asio::awaitable<boost::system::error_code> wait_for(Readiness readiness);
  // One nonblocking connect, to the URL as it is (host null) or to one of its hosts, given up
  // after `timeout`.
  boost::asio::awaitable<Result<void>> connect_once(const HostOverride* host, const std::string& pass,
                                                    std::chrono::milliseconds timeout);
  boost::asio::awaitable<Result<void>> flush_outgoing();
  // Reads the results of an exchange of `steps` steps, up to its Sync's.
  boost::asio::awaitable<Result<Rows>> read_exchange(std::size_t steps);
  Result<void> watch_current_socket();
  DbError fail(ErrorKind kind, std::string message);
  // Queues the steps and their Sync; on failure the connection is broken.
  Result<void> send_exchange(std::span<const Step> steps);

  boost::asio::awaitable<Result<Rows>> exchange_pipelined(std::span<const Step> steps);
  // The reader and the flusher run while there is something to read or to send. They hold
  // `alive` (false once the connection is destroyed) and touch nothing else after it is false.
  boost::asio::awaitable<void> read_pipeline(std::shared_ptr<bool> alive);
  boost::asio::awaitable<void> flush_pipeline(std::shared_ptr<bool> alive);
  bool input_waiting() const noexcept;
  // Takes every result libpq has parsed and completes the queries they finish.
  void take_pipeline_results();
  // The connection is unusable: every query in flight fails with `unavailable`.
  void fail_pipeline(std::string message);

  PgConnPtr conn_;
  // Watches a duplicate of libpq's socket, owned here (see watch_current_socket).
  boost::asio::posix::stream_descriptor socket_;
  bool broken_ = true;

  // Pipelining: exchanges sent and not yet answered, oldest first (a deque keeps the addresses
  // of its elements while both ends change, and Awaiting points at its element).
  std::deque<Sent> sent_;
  bool reading_ = false;
  bool flushing_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace coffeehouse::db
