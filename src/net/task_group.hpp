#pragma once
// The coroutines of one io thread that a shutdown has to end: the accept loop, every session,
// background checks. Each runs under a cancellation signal of its own; emit() reaches all of them
// at once, and wait_until_empty() returns when every one has returned. So a graceful stop is
// cancellation, not io_context::stop(): every frame runs to its end (destructors, leases handed
// back, sockets closed), and the io_context then runs out of work by itself.
//
// Which cancellation does what is up to each task: a session lets total cancellation end an idle
// keep-alive wait and only terminal cancellation cut off a request it is serving
// (net/session.cpp). Single-threaded: touched only from its own io thread.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <list>

namespace coffeehouse::net {

class TaskGroup {
 public:
  explicit TaskGroup(boost::asio::any_io_executor executor);
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Starts `task` in the group. `what` (a literal) names it in the log should it end with an
  // exception.
  void spawn(boost::asio::awaitable<void> task, const char* what);
  // Emits `type` on every task running now.
  void emit(boost::asio::cancellation_type type);
  // Returns true once the group is empty, or false when `limit` passed first.
  boost::asio::awaitable<bool> wait_until_empty(std::chrono::milliseconds limit);
  std::size_t size() const noexcept { return running_; }

 private:
  struct Task {
    boost::asio::cancellation_signal signal;
    bool running = true;
  };
  void finished(std::list<Task>::iterator task);

  boost::asio::any_io_executor executor_;
  // A list: a signal must stay where it is while its task runs (its slot points into it).
  std::list<Task> tasks_;
  std::size_t running_ = 0;
  boost::asio::steady_timer emptied_;
};

}  // namespace coffeehouse::net
