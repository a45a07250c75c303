#include "net/admission.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace coffeehouse::net {

namespace asio = boost::asio;

// Lives in the waiting coroutine's frame. leave() hands the place over by setting `admitted` and
// cancelling the timer, which doubles as the deadline; the flag, not the timer's error code, says
// what happened, because the deadline may pass after the hand-over but before the waiter resumes.
struct Admission::Waiter {
  Waiter(Admission& owner_admission, const asio::any_io_executor& executor)
      : owner(owner_admission), wake(executor), position(owner.line_.insert(owner.line_.end(), this)) {}
  // Out of line however the wait ends; a place handed to a frame that is destroyed unresumed
  // (its io_context is going away) is given back.
  ~Waiter() {
    if (!admitted) {
      owner.line_.erase(position);
    } else if (!claimed) {
      owner.leave();
    }
  }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  Admission& owner;
  asio::steady_timer wake;
  std::list<Waiter*>::iterator position;
  bool admitted = false;  // leave() took it out of line and gave it the place
  bool claimed = false;   // the place now belongs to a Place
};

Admission::Admission(AdmissionOptions options) : options_(options) {
  options_.max_in_progress = std::max<std::size_t>(options_.max_in_progress, 1);
}

asio::awaitable<std::optional<Admission::Place>> Admission::enter() {
  if (in_progress_ < options_.max_in_progress && line_.empty()) {
    ++in_progress_;
    co_return Place(*this);
  }
  Waiter waiter(*this, co_await asio::this_coro::executor);
  waiter.wake.expires_after(options_.max_wait);
  (void)co_await waiter.wake.async_wait(asio::as_tuple(asio::use_awaitable));
  if (!waiter.admitted) {
    ++refused_;
    co_return std::nullopt;
  }
  waiter.claimed = true;
  co_return Place(*this);
}

void Admission::leave() noexcept {
  if (line_.empty()) {
    --in_progress_;
    return;
  }
  // The place passes straight to the first in line: in_progress_ stays, and nobody who arrives
  // meanwhile can overtake a request already waiting.
  Waiter* first = line_.front();
  line_.pop_front();
  first->admitted = true;
  first->wake.cancel();
}

}  // namespace coffeehouse::net
