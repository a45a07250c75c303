#pragma once
#include "db/connection.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace coffeehouse::db {

// Nonblocking libpq driven by socket readiness: the io thread never waits inside libpq.
// Connects with PQconnectStart/PQconnectPoll, sends with PQsendQueryPrepared + PQflush and reads
// with PQconsumeInput/PQisBusy/PQgetResult, suspending the coroutine on the socket in between.
// Used by one coroutine at a time (the pool hands it out exclusively).
class AsyncConnection final : public Connection {
 public:
  AsyncConnection(boost::asio::any_io_executor executor, ConnectionOptions options);
  ~AsyncConnection() override;

  boost::asio::awaitable<DbError> open() override;
  boost::asio::awaitable<QueryOutcome> execute(Statement statement, const Params& params) override;
  bool broken() const noexcept override { return broken_; }

 protected:
  PGconn* native_handle() const noexcept override { return conn_.get(); }

 private:
  enum class Readiness : std::uint8_t { readable, writable, either };

  boost::asio::awaitable<boost::system::error_code> wait_for(Readiness readiness);
  boost::asio::awaitable<DbError> flush_outgoing();
  boost::asio::awaitable<QueryOutcome> read_outcome();
  void watch_current_socket();
  DbError fail(ErrorKind kind, std::string message);

  ConnectionOptions options_;
  PgConnPtr conn_;
  // Watches libpq's socket without owning it: PQfinish closes the fd, so the descriptor is
  // always released, never closed.
  boost::asio::posix::stream_descriptor socket_;
  bool broken_ = true;
};

}  // namespace coffeehouse::db
