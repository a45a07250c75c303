#include "latency_proxy.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <random>
#include <string>
#include <thread>

namespace coffeehouse::tools {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

const tcp::endpoint any_loopback_port{asio::ip::address_v4::loopback(), 0};

// The proxy on its own io thread; the tests talk to it with blocking sockets.
class RunningProxy {
 public:
  RunningProxy(tcp::endpoint target, std::chrono::microseconds delay, std::size_t max_buffered_bytes = 1 << 20)
      : proxy_(io_, LatencyProxyOptions{.listen = any_loopback_port,
                                        .target = target,
                                        .delay = delay,
                                        .max_buffered_bytes = max_buffered_bytes}) {
    proxy_.start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~RunningProxy() {
    io_.stop();
    thread_.join();
  }
  RunningProxy(const RunningProxy&) = delete;
  RunningProxy& operator=(const RunningProxy&) = delete;

  tcp::endpoint endpoint() const { return proxy_.local_endpoint(); }

 private:
  asio::io_context io_{1};
  LatencyProxy proxy_;
  std::thread thread_;
};

// A listening socket standing in for PostgreSQL.
struct Target {
  asio::io_context io;
  tcp::acceptor acceptor{io, any_loopback_port};
  tcp::endpoint endpoint() const { return acceptor.local_endpoint(); }
  tcp::socket accept() { return acceptor.accept(); }
};

tcp::socket connect_to(asio::io_context& io, const tcp::endpoint& endpoint) {
  tcp::socket socket(io);
  socket.connect(endpoint);
  return socket;
}

// Everything up to the end of stream; the error that ended it, if it was not a clean end.
std::pair<std::string, error_code> read_to_end(tcp::socket& socket) {
  std::string received;
  std::array<char, 16 * 1024> buffer{};
  for (;;) {
    error_code ec;
    const auto size = socket.read_some(asio::buffer(buffer), ec);
    received.append(buffer.data(), size);
    if (ec == asio::error::eof) return {received, {}};
    if (ec) return {received, ec};
  }
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(random() & 0xff);
  return bytes;
}

TEST(LatencyProxy, LargePayloadsPassBothWaysUnchangedAndInOrder) {
  Target target;
  // A small buffer limit makes the proxy stop reading and resume many times on the way.
  RunningProxy proxy(target.endpoint(), 1ms, 64 * 1024);
  const auto upstream_payload = random_bytes(4 << 20, 1);
  const auto downstream_payload = random_bytes(3 << 20, 2);

  asio::io_context client_io;
  auto client = connect_to(client_io, proxy.endpoint());
  std::string target_received;
  error_code target_error;
  std::thread target_side([&] {
    auto server = target.accept();
    std::tie(target_received, target_error) = read_to_end(server);
    asio::write(server, asio::buffer(downstream_payload));
    server.shutdown(tcp::socket::shutdown_send);
  });
  asio::write(client, asio::buffer(upstream_payload));
  client.shutdown(tcp::socket::shutdown_send);
  const auto [client_received, client_error] = read_to_end(client);
  target_side.join();

  EXPECT_FALSE(target_error) << target_error.message();
  EXPECT_TRUE(target_received == upstream_payload) << "target got " << target_received.size() << " bytes";
  EXPECT_FALSE(client_error) << client_error.message();
  EXPECT_TRUE(client_received == downstream_payload) << "client got " << client_received.size() << " bytes";
}

TEST(LatencyProxy, DelayIsAddedToEachDirection) {
  constexpr auto delay = 40ms;
  Target target;
  RunningProxy proxy(target.endpoint(), delay);
  asio::io_context client_io;
  auto client = connect_to(client_io, proxy.endpoint());
  auto server = target.accept();

  std::array<char, 4> buffer{};
  const auto sent = std::chrono::steady_clock::now();
  asio::write(client, asio::buffer(std::string_view("ping")));
  asio::read(server, asio::buffer(buffer));
  const auto arrived = std::chrono::steady_clock::now();
  asio::write(server, asio::buffer(std::string_view("pong")));
  asio::read(client, asio::buffer(buffer));
  const auto answered = std::chrono::steady_clock::now();

  EXPECT_EQ(std::string_view(buffer.data(), buffer.size()), "pong");
  EXPECT_GE(arrived - sent, delay);
  EXPECT_GE(answered - sent, 2 * delay);
  // Generous: only proves the delay is not applied many times over (ASan, a loaded CI machine).
  EXPECT_LT(answered - sent, 2 * delay + 1s);
}

TEST(LatencyProxy, HalfCloseIsForwardedAndTheOtherDirectionStaysOpen) {
  Target target;
  RunningProxy proxy(target.endpoint(), 5ms);
  asio::io_context client_io;
  auto client = connect_to(client_io, proxy.endpoint());
  auto server = target.accept();

  asio::write(client, asio::buffer(std::string_view("question")));
  client.shutdown(tcp::socket::shutdown_send);
  const auto [question, question_error] = read_to_end(server);
  EXPECT_EQ(question, "question");
  EXPECT_FALSE(question_error) << question_error.message();

  // The client only closed its sending side: an answer sent after its end of stream still arrives.
  asio::write(server, asio::buffer(std::string_view("answer after your end of stream")));
  server.shutdown(tcp::socket::shutdown_send);
  const auto [answer, answer_error] = read_to_end(client);
  EXPECT_EQ(answer, "answer after your end of stream");
  EXPECT_FALSE(answer_error) << answer_error.message();
}

TEST(LatencyProxy, AnUnreachableTargetResetsTheClient) {
  tcp::endpoint closed_port;
  {
    Target gone;
    closed_port = gone.endpoint();
  }
  RunningProxy proxy(closed_port, 1ms);
  asio::io_context client_io;
  auto client = connect_to(client_io, proxy.endpoint());
  const auto [received, error] = read_to_end(client);
  EXPECT_TRUE(received.empty());
  EXPECT_EQ(error, asio::error::connection_reset) << error.message();
}

TEST(LatencyProxy, AResetByTheTargetResetsTheClient) {
  Target target;
  RunningProxy proxy(target.endpoint(), 1ms);
  asio::io_context client_io;
  auto client = connect_to(client_io, proxy.endpoint());
  {
    auto server = target.accept();
    server.set_option(asio::socket_base::linger(true, 0));
    server.close();
  }
  const auto [received, error] = read_to_end(client);
  EXPECT_TRUE(received.empty());
  EXPECT_EQ(error, asio::error::connection_reset) << error.message();
}

TEST(DelayLine, TakesNoMoreDataOnceFullUntilTheWriterCatchesUp) {
  asio::io_context io{1};
  constexpr std::size_t limit = 1000;
  DelayLine line(io.get_executor(), 0us, limit);
  int pushed = 0;
  bool reader_finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (co_await line.wait_for_room()) {
          line.push(std::vector<char>(600, 'x'));
          ++pushed;
        }
        reader_finished = true;
      },
      asio::detached);

  io.run_for(20ms);
  EXPECT_EQ(pushed, 2);  // the second chunk crossed the limit: the reader waits for room
  EXPECT_LE(line.buffered_bytes(), limit + 600 + 64);

  std::optional<DelayLine::Chunk> taken;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { taken = co_await line.pop_when_due(); }, asio::detached);
  io.run_for(20ms);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->bytes.size(), 600u);
  EXPECT_EQ(pushed, 3);  // one chunk left, one came in, and the line is full again

  line.close();
  io.run_for(20ms);
  EXPECT_TRUE(reader_finished);
}

TEST(DelayLine, HoldsEachChunkForTheDelay) {
  asio::io_context io{1};
  constexpr auto delay = 30ms;
  DelayLine line(io.get_executor(), delay, 1 << 20);
  const auto pushed_at = Clock::now();
  line.push(std::vector<char>{'a'});
  line.push(std::vector<char>{'b'});
  std::string order;
  Clock::time_point first_popped_at;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int index = 0; index < 2; ++index) {
          auto chunk = co_await line.pop_when_due();
          if (index == 0) first_popped_at = Clock::now();
          order.push_back(chunk->bytes.front());
        }
      },
      asio::detached);
  io.run_for(500ms);
  EXPECT_EQ(order, "ab");
  EXPECT_GE(first_popped_at - pushed_at, delay);
}

}  // namespace
}  // namespace coffeehouse::tools
