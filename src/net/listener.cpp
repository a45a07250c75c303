#include "net/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace coffeehouse::net {

namespace asio = boost::asio;
using asio::ip::tcp;

tcp::acceptor open_listener(asio::io_context& context, const tcp::endpoint& endpoint) {
  tcp::acceptor acceptor(context);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor;
}

tcp::acceptor share_listener(asio::io_context& context, tcp::acceptor& original) {
  const int duplicate = ::dup(original.native_handle());
  if (duplicate < 0) throw std::system_error(errno, std::generic_category(), "dup(listening socket)");
  return tcp::acceptor(context, original.local_endpoint().protocol(), duplicate);
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, const RequestHandler& handler,
                                         const SessionLimits& limits, SessionRegistry& registry,
                                         ConnectionBudget& budget) {
  const auto executor = co_await asio::this_coro::executor;
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
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (!budget.try_take()) {
      asio::co_spawn(executor, refuse_connection(std::move(socket)), asio::detached);
      continue;
    }
    asio::co_spawn(executor, serve_connection(std::move(socket), handler, limits, registry, budget), asio::detached);
  }
}

}  // namespace coffeehouse::net
