#include "db/pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace coffeehouse::db {

namespace asio = boost::asio;

namespace {

// A waiter's acquire timeout passed with nothing handed to it.
DbError waited_in_vain() { return {ErrorKind::acquire_timeout, "no database connection became free in time"}; }

DbError pool_closed() { return {ErrorKind::unavailable, "the pool is closed"}; }

DbError database_unavailable() { return {ErrorKind::unavailable, "the database is unavailable"}; }

}  // namespace

// A waiter lives in the waiting coroutine's frame. Whoever frees a connection, or room on one,
// hands it over directly and cancels the timer, which doubles as the acquire deadline.
struct Pool::Waiter {
  Waiter(Pool& owner, bool wants_own_connection) : pool(owner), wake(owner.executor_), exclusive(wants_own_connection) {
    pool.waiters_.push_back(this);
  }
  // Leaves the queue however the wait ends. A waiter is always resumed (a shutdown cancels the
  // wait rather than destroying the frame), and then takes what it was handed.
  ~Waiter() { leave_queue(); }
  // Only a waiter that nobody took out (its deadline passed, or its wait was cancelled) is still
  // queued; the search is for it alone, not for every waiter that was served.
  void leave_queue() {
    if (!queued) return;
    queued = false;
    if (auto it = std::find(pool.waiters_.begin(), pool.waiters_.end(), this); it != pool.waiters_.end()) {
      pool.waiters_.erase(it);
    }
  }
  // Taken out of the queue by whoever serves or fails it.
  void dequeued() noexcept {
    queued = false;
    wake.cancel();
  }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  Pool& pool;
  asio::steady_timer wake;
  bool queued = true;
  const bool exclusive;                     // acquire(): a connection of its own
  std::unique_ptr<Connection> handed_over;  // for acquire()
  Shared* shared = nullptr;                 // for execute(): room on this connection, counted
  bool may_open = false;                    // a slot became free: the waiter should open a connection itself
  std::optional<DbError> failure;           // no connection will come: the pool closed, or the database is unreachable
};

Lease::Lease(std::shared_ptr<Pool> pool, std::unique_ptr<Connection> connection)
    : pool_(std::move(pool)), connection_(std::move(connection)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::move(other.pool_);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

Lease::~Lease() { release(); }

void Lease::release() noexcept {
  if (pool_ && connection_) pool_->give_back(std::move(connection_));
  pool_.reset();
}

asio::awaitable<Result<Rows>> Lease::execute(const StatementSpec& statement, const Params& params) {
  const auto started = std::chrono::steady_clock::now();
  auto rows = co_await connection_->execute(statement, params);
  pool_->query_durations_.observe(std::chrono::steady_clock::now() - started);
  co_return rows;
}

std::shared_ptr<Pool> Pool::create(asio::any_io_executor executor, PoolOptions options, ConnectionFactory factory) {
  return std::make_shared<Pool>(std::move(executor), options, std::move(factory));
}

Pool::Pool(asio::any_io_executor executor, PoolOptions options, ConnectionFactory factory)
    : executor_(std::move(executor)), options_(options), factory_(std::move(factory)) {
  options_.pipeline_depth = std::max<std::size_t>(options_.pipeline_depth, 1);
}

bool Pool::in_backoff() const noexcept { return std::chrono::steady_clock::now() < next_connect_attempt_; }

PoolStats Pool::stats() const noexcept {
  const auto idle = static_cast<std::size_t>(
      std::count_if(shared_.begin(), shared_.end(), [](const Shared& shared) { return shared.in_flight == 0; }));
  return {idle,
          leased_ + shared_.size() - idle,
          connecting_,
          waiters_.size(),
          refused_overloaded_,
          refused_timed_out_,
          refused_unavailable_};
}

asio::awaitable<Result<Rows>> Pool::execute(const StatementSpec& statement, const Params& params) {
  const auto keep_pool_alive = shared_from_this();
  auto taken = co_await take_shared();
  if (!taken) co_return taken.error();
  Shared& shared = **taken;
  const auto started = std::chrono::steady_clock::now();
  auto rows = co_await shared.connection->execute(statement, params);
  query_durations_.observe(std::chrono::steady_clock::now() - started);
  return_shared(shared);
  co_return rows;
}

asio::awaitable<Result<Pool::Shared*>> Pool::take_shared() {
  if (closed_) co_return pool_closed();
  if (auto idle = idle_shared(); idle != shared_.end()) {
    ++idle->in_flight;
    co_return &*idle;
  }
  const bool can_open = open_count() < options_.max_connections;
  if (can_open && !in_backoff()) co_return co_await open_shared();
  if (auto* least = least_loaded()) {
    ++least->in_flight;
    co_return least;
  }
  if (auto refusal = refuse_to_wait(can_open)) co_return std::move(*refusal);

  Waiter waiter(*this, false);
  co_await wait_in_queue(waiter);
  if (waiter.shared != nullptr) co_return std::exchange(waiter.shared, nullptr);
  if (waiter.may_open) co_return co_await open_shared();
  if (waiter.failure) co_return refused(std::move(*waiter.failure));
  co_return refused(waited_in_vain());
}

asio::awaitable<Result<Lease>> Pool::acquire() {
  if (closed_) co_return pool_closed();
  const auto own = [this](std::unique_ptr<Connection> connection) {
    ++leased_;
    return Lease(shared_from_this(), std::move(connection));
  };
  if (auto idle = idle_shared(); idle != shared_.end()) {
    auto connection = std::move(idle->connection);
    shared_.erase(idle);
    co_return own(std::move(connection));
  }
  const bool can_open = open_count() < options_.max_connections;
  if (!can_open || in_backoff()) {
    if (auto refusal = refuse_to_wait(can_open)) co_return std::move(*refusal);
    Waiter waiter(*this, true);
    co_await wait_in_queue(waiter);
    if (waiter.handed_over) co_return Lease(shared_from_this(), std::move(waiter.handed_over));
    if (waiter.failure) co_return refused(std::move(*waiter.failure));
    if (!waiter.may_open) co_return refused(waited_in_vain());
  }
  auto opened = co_await connect();
  if (!opened) co_return opened.error();
  co_return own(std::move(*opened));
}

std::optional<DbError> Pool::refuse_to_wait(bool can_open) {
  if (can_open && open_count() == 0) {
    // Nothing is open and the last attempt failed moments ago: fail fast rather than queue.
    return refused(database_unavailable());
  }
  if (waiters_.size() >= options_.max_waiters) {
    return refused(DbError(ErrorKind::overloaded, "too many requests are waiting for a database connection"));
  }
  return std::nullopt;
}

DbError Pool::refused(DbError error) noexcept {
  switch (error.kind) {
    case ErrorKind::overloaded: ++refused_overloaded_; break;
    case ErrorKind::acquire_timeout: ++refused_timed_out_; break;
    default: ++refused_unavailable_; break;
  }
  return error;
}

asio::awaitable<void> Pool::wait_in_queue(Waiter& waiter) {
  const auto keep_pool_alive = shared_from_this();
  waiter.wake.expires_after(options_.acquire_timeout);
  co_await waiter.wake.async_wait(asio::as_tuple(asio::use_awaitable));
  waiter.leave_queue();  // a timed-out waiter must not be handed a connection later
}

std::list<Pool::Shared>::iterator Pool::idle_shared() {
  for (auto it = shared_.begin(); it != shared_.end();) {
    if (it->in_flight != 0) {
      ++it;
    } else if (it->connection->survived_idling()) {
      return it;
    } else {
      it = shared_.erase(it);  // dropped; its slot is free for a new one
    }
  }
  return shared_.end();
}

Pool::Shared* Pool::least_loaded() noexcept {
  Shared* least = nullptr;
  for (auto& shared : shared_) {
    if (shared.in_flight >= options_.pipeline_depth || shared.connection->broken() || shared.connection->retired()) {
      continue;
    }
    if (least == nullptr || shared.in_flight < least->in_flight) least = &shared;
  }
  return least;
}

asio::awaitable<Result<std::unique_ptr<Connection>>> Pool::connect() {
  ++connecting_;
  auto connection = factory_();
  auto opened = co_await connection->open();
  --connecting_;
  if (!opened) {
    backoff_ = backoff_.count() == 0 ? options_.initial_backoff : std::min(backoff_ * 2, options_.max_backoff);
    next_connect_attempt_ = std::chrono::steady_clock::now() + backoff_;
    // Requests that queued behind this attempt would sit out their acquire timeout. With nothing
    // open they fail fast, as a request arriving now does.
    if (open_count() == 0) fail_waiters(database_unavailable());
    co_return opened.error();
  }
  backoff_ = std::chrono::milliseconds{0};
  if (closed_) co_return pool_closed();
  co_return std::move(connection);
}

asio::awaitable<Result<Pool::Shared*>> Pool::open_shared() {
  auto opened = co_await connect();
  if (!opened) co_return opened.error();
  auto& shared = shared_.emplace_back(Shared{std::move(*opened), 1});
  // With pipelining, the new connection has room for the waiters too.
  serve_waiters(std::prev(shared_.end()));
  co_return &shared;
}

bool Pool::reusable(const Connection& connection) noexcept {
  if (connection.broken() || connection.retired()) return false;
  if (connection.session_is_idle()) return true;
  spdlog::warn("a database connection came back inside a transaction or with a statement unfinished; closing it");
  return false;
}

void Pool::return_shared(Shared& shared) noexcept {
  --shared.in_flight;
  const auto it = std::find_if(shared_.begin(), shared_.end(), [&](const Shared& s) { return &s == &shared; });
  // With other statements still in flight the session is busy by definition; it is judged when
  // the last of them comes back.
  const bool others_in_flight = shared.in_flight != 0;
  if (closed_ || shared.connection->broken() || (!others_in_flight && !reusable(*shared.connection))) {
    if (others_in_flight) return;  // the others in flight on it are failing too
    shared_.erase(it);
    if (!closed_) slot_freed();
    return;
  }
  serve_waiters(it);
}

void Pool::give_back(std::unique_ptr<Connection> connection) noexcept {
  --leased_;
  if (closed_ || !reusable(*connection)) {
    connection.reset();
    if (!closed_) slot_freed();
    return;
  }
  shared_.push_back(Shared{std::move(connection), 0});
  serve_waiters(std::prev(shared_.end()));
}

void Pool::serve_waiters(std::list<Shared>::iterator shared) noexcept {
  for (auto next = waiters_.begin(); next != waiters_.end() && shared->in_flight < options_.pipeline_depth;) {
    Waiter* waiter = *next;
    if (waiter->exclusive) {
      if (shared->in_flight != 0) {
        ++next;
        continue;
      }
      waiter->handed_over = std::move(shared->connection);
      shared_.erase(shared);
      ++leased_;
      waiters_.erase(next);
      waiter->dequeued();
      return;
    }
    ++shared->in_flight;
    waiter->shared = &*shared;
    next = waiters_.erase(next);
    waiter->dequeued();
  }
}

void Pool::slot_freed() noexcept {
  if (waiters_.empty()) return;
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  next->may_open = true;  // the dropped connection's slot is free for a replacement
  next->dequeued();
}

void Pool::close() {
  closed_ = true;
  std::erase_if(shared_, [](const Shared& shared) { return shared.in_flight == 0; });
  fail_waiters(pool_closed());
}

void Pool::fail_waiters(const DbError& error) {
  for (auto* waiter : waiters_) {
    waiter->failure = error;
    waiter->dequeued();
  }
  waiters_.clear();
}

}  // namespace coffeehouse::db
