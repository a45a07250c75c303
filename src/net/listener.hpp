#pragma once
#include "net/session.hpp"
#include "net/task_group.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace coffeehouse::net {

// A listening socket with SO_REUSEPORT, so that every io thread can bind its own on the same
// address and the kernel spreads new connections evenly over them. (One shared socket was
// tried first: in async mode whichever thread woke first accepted a whole burst, and one
// thread's slice of the pool did all the work.)
boost::asio::ip::tcp::acceptor open_listener(boost::asio::io_context& context,
                                             const boost::asio::ip::tcp::endpoint& endpoint);

// SO_REUSEPORT would also let a second coffeehouse on the same port quietly take half of the
// connections. This binds a plain socket first and throws if anything listens there already.
void ensure_address_is_free(boost::asio::io_context& context, const boost::asio::ip::tcp::endpoint& endpoint);

// Accepts until the acceptor is closed, serving each connection in its own coroutine of `tasks`.
boost::asio::awaitable<void> accept_connections(boost::asio::ip::tcp::acceptor& acceptor, const RequestHandler& handler,
                                                const SessionLimits& limits, SessionRegistry& registry,
                                                ConnectionBudget& budget, TaskGroup& tasks);

}  // namespace coffeehouse::net
