#pragma once
// Holds requests back until the first start's seeding has finished, as Flask's
// before_first_request made the first request wait. One gate per io thread.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coffeehouse::app {

class SeedGate {
 public:
  explicit SeedGate(const boost::asio::any_io_executor& executor)
      : opened_signal_(executor, std::chrono::steady_clock::time_point::max()) {}

  boost::asio::awaitable<void> wait_until_open() {
    // Every waiter waits on the same never-expiring timer; open() cancels it, waking them all.
    if (!open_) co_await opened_signal_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  void open() {
    open_ = true;
    opened_signal_.cancel();
  }

 private:
  bool open_ = false;
  boost::asio::steady_timer opened_signal_;
};

}  // namespace coffeehouse::app
