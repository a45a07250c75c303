// AsyncConnection waits on libpq's socket through Asio's epoll reactor, which every io thread
// shares. When libpq drops a connection it closes its fd, and the number is free for the next
// socket anyone opens. Whatever happens to the dead connection afterwards must not touch the
// epoll registration of whoever got that number.
#include "db/async_connection.hpp"
#include "db/conninfo.hpp"
#include "support/admin_sql.hpp"
#include "support/db_results.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

namespace coffeehouse::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// The process's open socket descriptors.
std::set<int> open_sockets() {
  std::set<int> sockets;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(entry.path(), ec);
    if (!ec && target.string().starts_with("socket:")) sockets.insert(std::stoi(entry.path().filename().string()));
  }
  return sockets;
}

std::set<int> minus(const std::set<int>& a, const std::set<int>& b) {
  std::set<int> difference;
  std::ranges::set_difference(a, b, std::inserter(difference, difference.end()));
  return difference;
}

db::Result<void> run_open(asio::io_context& io, db::AsyncConnection& connection) {
  db::Result<void> opened = db::DbError(db::ErrorKind::unavailable, "open() did not finish");
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { opened = co_await connection.open(); }, asio::detached);
  io.run();
  io.restart();
  return opened;
}

db::Result<db::Rows> run_ping(asio::io_context& io, db::AsyncConnection& connection) {
  db::Result<db::Rows> outcome;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { outcome = co_await connection.execute(db::ping, {}); }, asio::detached);
  io.run();
  io.restart();
  return outcome;
}

TEST(AsyncConnection, ADroppedConnectionLeavesTheNumberLibpqClosedToWhoeverOpensItNext) {
  const auto application_name = "dropped_fd_" + unique_word();
  asio::io_context io{1};
  const auto before_open = open_sockets();
  auto connection = std::make_unique<db::AsyncConnection>(
      io.get_executor(),
      db::ConnectionOptions{.database_url = with_application_name(database_url(), application_name)});
  ASSERT_TRUE(run_open(io, *connection)) << "could not connect";
  const auto while_open = open_sockets();

  ASSERT_EQ(terminate_backends_of(application_name), 1);
  const auto failed = run_ping(io, *connection);
  ASSERT_EQ(error_kind(failed), db::ErrorKind::unavailable) << error_message(failed);
  ASSERT_TRUE(connection->broken());

  // libpq closed its socket when it read the end of the connection: that is the number to reuse.
  const auto closed_by_libpq = minus(minus(while_open, before_open), open_sockets());
  ASSERT_EQ(closed_by_libpq.size(), 1u) << "libpq did not close exactly one socket when the backend went away";
  const int reused_number = *closed_by_libpq.begin();

  // Another connection gets that number (here, a pipe's read end put there on purpose) and waits
  // on it through the same reactor. Then the dead connection is destroyed.
  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  if (pipe_ends[0] != reused_number) {  // the lowest free number usually is that one already
    ASSERT_EQ(::dup2(pipe_ends[0], reused_number), reused_number);
    ::close(pipe_ends[0]);
  }
  asio::posix::stream_descriptor newcomer(io, reused_number);
  connection.reset();

  bool readable = false;
  asio::steady_timer give_up(io, 2s);
  newcomer.async_wait(asio::posix::descriptor_base::wait_read, [&](boost::system::error_code ec) {
    readable = !ec;
    give_up.cancel();
  });
  give_up.async_wait([&](boost::system::error_code) { newcomer.cancel(); });
  ASSERT_EQ(::write(pipe_ends[1], "x", 1), 1);
  io.run();
  ::close(pipe_ends[1]);
  EXPECT_TRUE(readable) << "destroying the dead connection took fd " << reused_number
                        << " out of epoll, and the wait of the socket that reuses it never ended";
}

}  // namespace
}  // namespace coffeehouse::testing
