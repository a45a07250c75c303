#pragma once
// A TCP proxy that holds every byte for a fixed delay in each direction, so a service on loopback
// can be measured as if its database were on another host. Order is preserved (each direction is
// one FIFO of chunks stamped on arrival), half-closes are forwarded after the same delay, an error
// on either side aborts both, and each direction buffers at most a bounded number of bytes: when
// the line is full the proxy stops reading and TCP flow control pushes back on the sender.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace coffeehouse::tools {

using Clock = std::chrono::steady_clock;

struct LatencyProxyOptions {
  boost::asio::ip::tcp::endpoint listen;
  boost::asio::ip::tcp::endpoint target;
  // Added to each direction: a request/response round trip gains twice this.
  std::chrono::microseconds delay{0};
  // Per direction. A read may add one more read buffer (64 KiB) on top before the reader stops.
  std::size_t max_buffered_bytes = std::size_t{1} << 20;
};

// One direction's FIFO between the coroutine reading one socket and the one writing the other.
// Both run on the same single-threaded executor, so no locking: a timer set to "never" and
// cancelled stands in for a condition variable, and every wait re-checks its condition.
class DelayLine {
 public:
  struct Chunk {
    Clock::time_point due;
    std::vector<char> bytes;  // empty: the sender half-closed, forward the end of stream
  };

  DelayLine(const boost::asio::any_io_executor& executor, std::chrono::microseconds delay,
            std::size_t max_buffered_bytes);

  // Reader side. Waits while the line is full; false once the line is closed.
  boost::asio::awaitable<bool> wait_for_room();
  void push(std::vector<char> bytes);
  void push_end_of_stream();

  // Writer side. The next chunk once its due time has come; nothing once the line is closed.
  boost::asio::awaitable<std::optional<Chunk>> pop_when_due();

  // Wakes both sides for good: an error elsewhere ended the connection.
  void close();

  std::size_t buffered_bytes() const noexcept { return buffered_bytes_; }

 private:
  std::chrono::microseconds delay_;
  std::size_t max_buffered_bytes_;
  std::size_t buffered_bytes_ = 0;
  bool closed_ = false;
  std::deque<Chunk> chunks_;
  boost::asio::steady_timer writer_wake_;
  boost::asio::steady_timer reader_wake_;
};

// Accepts on options.listen and forwards each connection to options.target. The listening socket
// is bound in the constructor, so local_endpoint() is known (port 0 picks a free one) before
// start(). Everything runs on the given io_context; run it from one thread.
class LatencyProxy {
 public:
  LatencyProxy(boost::asio::io_context& io, LatencyProxyOptions options);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  // Stops accepting; connections in progress end when the io_context stops.
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace coffeehouse::tools
