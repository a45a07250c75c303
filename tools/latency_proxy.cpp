#include "latency_proxy.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <optional>

namespace coffeehouse::tools {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr std::size_t read_buffer_size = 64 * 1024;
// What a queued chunk costs besides its bytes (vector and deque bookkeeping, allocator headers).
// Counting it keeps a sender of many tiny segments from queueing millions of them.
constexpr std::size_t chunk_overhead = 64;

std::size_t charge(const DelayLine::Chunk& chunk) { return chunk.bytes.size() + chunk_overhead; }

// Both sockets of one proxied connection and the two lines between them.
class Connection {
 public:
  Connection(tcp::socket client, const LatencyProxyOptions& options)
      : client_(std::move(client)),
        upstream_(client_.get_executor()),
        to_upstream_(client_.get_executor(), options.delay, options.max_buffered_bytes),
        to_client_(client_.get_executor(), options.delay, options.max_buffered_bytes) {}

  asio::awaitable<void> run(tcp::endpoint target) {
    using namespace asio::experimental::awaitable_operators;
    if (auto [ec] = co_await upstream_.async_connect(target, use_tuple); ec) {
      abort();  // the client sees a reset, as it would connecting to a closed port
      co_return;
    }
    error_code ignored;
    client_.set_option(tcp::no_delay(true), ignored);
    upstream_.set_option(tcp::no_delay(true), ignored);
    co_await (read_into(client_, to_upstream_) && write_from(to_upstream_, upstream_) &&
              read_into(upstream_, to_client_) && write_from(to_client_, client_));
  }

 private:
  asio::awaitable<void> read_into(tcp::socket& from, DelayLine& line) {
    std::vector<char> buffer(read_buffer_size);
    while (co_await line.wait_for_room()) {
      auto [ec, size] = co_await from.async_read_some(asio::buffer(buffer), use_tuple);
      if (ec == asio::error::eof) {
        line.push_end_of_stream();
        co_return;
      }
      if (ec) {
        abort();
        co_return;
      }
      // Copied to its exact size: a queued chunk must not pin a whole read buffer.
      line.push(std::vector<char>(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)));
    }
  }

  asio::awaitable<void> write_from(DelayLine& line, tcp::socket& to) {
    while (auto chunk = co_await line.pop_when_due()) {
      error_code ec;
      if (chunk->bytes.empty()) {
        // The sender's half-close, forwarded after the same delay as its data.
        to.shutdown(tcp::socket::shutdown_send, ec);
        if (ec) abort();
        co_return;
      }
      std::tie(ec, std::ignore) = co_await asio::async_write(to, asio::buffer(chunk->bytes), use_tuple);
      if (ec) {
        abort();
        co_return;
      }
    }
  }

  // An error on either side ends both: closing with a zero linger sends a reset, so each peer
  // learns the connection broke instead of seeing a clean end of stream.
  void abort() {
    to_upstream_.close();
    to_client_.close();
    for (auto* socket : {&client_, &upstream_}) {
      if (!socket->is_open()) continue;
      error_code ignored;
      socket->set_option(asio::socket_base::linger(true, 0), ignored);
      socket->close(ignored);
    }
  }

  tcp::socket client_;
  tcp::socket upstream_;
  DelayLine to_upstream_;
  DelayLine to_client_;
};

asio::awaitable<void> proxy_connection(tcp::socket client, LatencyProxyOptions options) {
  Connection connection(std::move(client), options);
  co_await connection.run(options.target);
}

}  // namespace

DelayLine::DelayLine(const asio::any_io_executor& executor, std::chrono::microseconds delay,
                     std::size_t max_buffered_bytes)
    : delay_(delay), max_buffered_bytes_(max_buffered_bytes), writer_wake_(executor), reader_wake_(executor) {}

asio::awaitable<bool> DelayLine::wait_for_room() {
  while (!closed_ && buffered_bytes_ >= max_buffered_bytes_) {
    reader_wake_.expires_at(Clock::time_point::max());
    co_await reader_wake_.async_wait(use_tuple);
  }
  co_return !closed_;
}

void DelayLine::push(std::vector<char> bytes) {
  const bool was_empty = chunks_.empty();
  chunks_.push_back(Chunk{Clock::now() + delay_, std::move(bytes)});
  buffered_bytes_ += charge(chunks_.back());
  // A writer with chunks queued waits for the first one's due time, which a later chunk cannot
  // bring forward: only an empty line's writer needs waking.
  if (was_empty) writer_wake_.cancel();
}

void DelayLine::push_end_of_stream() { push({}); }

asio::awaitable<std::optional<DelayLine::Chunk>> DelayLine::pop_when_due() {
  for (;;) {
    if (closed_) co_return std::nullopt;
    if (chunks_.empty()) {
      writer_wake_.expires_at(Clock::time_point::max());
    } else if (Clock::now() < chunks_.front().due) {
      writer_wake_.expires_at(chunks_.front().due);
    } else {
      auto chunk = std::move(chunks_.front());
      chunks_.pop_front();
      buffered_bytes_ -= charge(chunk);
      reader_wake_.cancel();
      co_return chunk;
    }
    co_await writer_wake_.async_wait(use_tuple);
  }
}

void DelayLine::close() {
  closed_ = true;
  writer_wake_.cancel();
  reader_wake_.cancel();
}

struct LatencyProxy::State {
  State(asio::io_context& io, LatencyProxyOptions proxy_options) : acceptor(io), options(std::move(proxy_options)) {}
  tcp::acceptor acceptor;
  LatencyProxyOptions options;
};

LatencyProxy::LatencyProxy(asio::io_context& io, LatencyProxyOptions options)
    : state_(std::make_shared<State>(io, std::move(options))) {
  auto& acceptor = state_->acceptor;
  acceptor.open(state_->options.listen.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(state_->options.listen);
  acceptor.listen(asio::socket_base::max_listen_connections);
}

tcp::endpoint LatencyProxy::local_endpoint() const { return state_->acceptor.local_endpoint(); }

void LatencyProxy::start() {
  auto accept_loop = [](std::shared_ptr<State> state) -> asio::awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    while (state->acceptor.is_open()) {
      auto [ec, socket] = co_await state->acceptor.async_accept(use_tuple);
      if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
      if (ec) {
        // Typically EMFILE: pause rather than spin on the same error.
        asio::steady_timer pause(executor, std::chrono::milliseconds(50));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      asio::co_spawn(executor, proxy_connection(std::move(socket), state->options), asio::detached);
    }
  };
  asio::co_spawn(state_->acceptor.get_executor(), accept_loop(state_), asio::detached);
}

void LatencyProxy::stop() {
  error_code ignored;
  state_->acceptor.close(ignored);
}

}  // namespace coffeehouse::tools
