#pragma once
#include "net/session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace coffeehouse::net {

// Binds and listens once. Every io thread then accepts from its own duplicate of this socket
// (share_listener): whichever thread is free takes the next connection, as Gunicorn's workers
// do on their shared socket, and no connection is stuck behind a thread that is blocked.
boost::asio::ip::tcp::acceptor open_listener(boost::asio::io_context& context,
                                             const boost::asio::ip::tcp::endpoint& endpoint);
boost::asio::ip::tcp::acceptor share_listener(boost::asio::io_context& context,
                                              boost::asio::ip::tcp::acceptor& original);

// Accepts until the acceptor is closed, serving each connection in its own coroutine.
boost::asio::awaitable<void> accept_connections(boost::asio::ip::tcp::acceptor& acceptor, const RequestHandler& handler,
                                                const SessionLimits& limits, SessionRegistry& registry,
                                                ConnectionBudget& budget);

}  // namespace coffeehouse::net
