#include "net/listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>

#include <sstream>
#include <stdexcept>

namespace coffeehouse::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Connections taken from the backlog per wake-up of the accept loop, beyond the first.
constexpr int accept_batch = 64;

// SO_REUSEPORT on, as a SettableSocketOption (the requirements Asio documents for set_option):
// Asio has no public option for it.
class ReusePort {
 public:
  int level(const tcp&) const noexcept { return SOL_SOCKET; }
  int name(const tcp&) const noexcept { return SO_REUSEPORT; }
  const void* data(const tcp&) const noexcept { return &value_; }
  std::size_t size(const tcp&) const noexcept { return sizeof(value_); }

 private:
  int value_ = 1;
};

}  // namespace

tcp::acceptor open_listener(asio::io_context& context, const tcp::endpoint& endpoint) {
  tcp::acceptor acceptor(context);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.set_option(ReusePort{});
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor;
}

void ensure_address_is_free(asio::io_context& context, const tcp::endpoint& endpoint) {
  if (endpoint.port() == 0) return;  // the kernel picks a free port
  tcp::acceptor probe(context);
  probe.open(endpoint.protocol());
  probe.set_option(asio::socket_base::reuse_address(true));  // TIME_WAIT leftovers are fine
  boost::system::error_code ec;
  probe.bind(endpoint, ec);
  if (ec) {
    std::ostringstream address;
    address << endpoint;
    throw std::runtime_error("cannot listen on " + address.str() + ": " + ec.message());
  }
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, const RequestHandler& handler,
                                         const SessionLimits& limits, SessionRegistry& registry,
                                         ConnectionBudget& budget, TaskGroup& tasks) {
  const auto executor = co_await asio::this_coro::executor;
  const auto start_session = [&](tcp::socket socket) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (!budget.try_take()) {
      tasks.spawn(refuse_connection(std::move(socket)), "a refused connection");
      return;
    }
    tasks.spawn(serve_connection(std::move(socket), handler, limits, registry, budget), "a session");
  };
  // The synchronous accepts below must never wait.
  acceptor.non_blocking(true);
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
    if (ec) {
      // Typically EMFILE: back off briefly instead of spinning on the same error.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    start_session(std::move(socket));
    // One accept per wake-up would admit a burst of clients one per turn of the event loop,
    // behind every request ready meanwhile (thousands under load, each blocking the thread in
    // sync mode), and clients would time out waiting in the backlog. So take what the backlog
    // holds now, up to a bound that keeps the loop turning.
    for (int more = 0; more < accept_batch; ++more) {
      boost::system::error_code accept_error;
      tcp::socket next = acceptor.accept(accept_error);
      if (accept_error) break;  // would_block: the backlog is empty (or a real error, seen next turn)
      start_session(std::move(next));
    }
  }
}

}  // namespace coffeehouse::net
