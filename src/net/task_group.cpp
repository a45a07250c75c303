#include "net/task_group.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

namespace coffeehouse::net {

namespace asio = boost::asio;

TaskGroup::TaskGroup(asio::any_io_executor executor)
    : executor_(executor), emptied_(executor, asio::steady_timer::time_point::max()) {}

void TaskGroup::spawn(asio::awaitable<void> task, const char* what) {
  const auto entry = tasks_.emplace(tasks_.end());
  ++running_;
  asio::co_spawn(executor_, std::move(task),
                 asio::bind_cancellation_slot(entry->signal.slot(), [this, entry, what](std::exception_ptr error) {
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& exception) {
                       spdlog::error("{} ended with an error: {}", what, exception.what());
                     }
                   }
                   finished(entry);
                 }));
}

void TaskGroup::finished(std::list<Task>::iterator task) {
  task->running = false;
  --running_;
  if (running_ == 0) emptied_.cancel();
  // The signal holds co_spawn's cancellation handler, which the coroutine machinery may still
  // touch while this completion handler runs: it goes once that has unwound.
  asio::post(executor_, [this, task] { tasks_.erase(task); });
}

void TaskGroup::emit(asio::cancellation_type type) {
  for (auto& task : tasks_) {
    if (task.running) task.signal.emit(type);
  }
}

asio::awaitable<bool> TaskGroup::wait_until_empty(std::chrono::milliseconds limit) {
  if (running_ == 0) co_return true;
  emptied_.expires_after(limit);
  (void)co_await emptied_.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return running_ == 0;
}

}  // namespace coffeehouse::net
