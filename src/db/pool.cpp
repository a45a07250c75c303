#include "db/pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace coffeehouse::db {

namespace asio = boost::asio;

// A waiter lives in the acquiring coroutine's frame. Whoever frees a connection hands it over
// directly and cancels the timer, which doubles as the acquire deadline.
struct Pool::Waiter {
  explicit Waiter(Pool& owner) : pool(owner), wake(owner.executor_) { pool.waiters_.push_back(this); }
  // Leaves the queue however the wait ends, even when the coroutine frame is destroyed unresumed.
  ~Waiter() { leave_queue(); }
  void leave_queue() {
    if (auto it = std::find(pool.waiters_.begin(), pool.waiters_.end(), this); it != pool.waiters_.end()) {
      pool.waiters_.erase(it);
    }
  }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  Pool& pool;
  asio::steady_timer wake;
  std::unique_ptr<Connection> handed_over;
  bool may_open = false;  // a slot became free: the waiter should open a connection itself
  DbError failure;        // no connection will come: the pool closed, or the database is unreachable
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

asio::awaitable<QueryOutcome> Lease::execute(Statement statement, const Params& params) {
  const auto started = std::chrono::steady_clock::now();
  auto outcome = co_await connection_->execute(statement, params);
  pool_->query_durations_.observe(std::chrono::steady_clock::now() - started);
  co_return outcome;
}

std::shared_ptr<Pool> Pool::create(asio::any_io_executor executor, PoolOptions options, ConnectionFactory factory) {
  return std::make_shared<Pool>(std::move(executor), options, std::move(factory));
}

Pool::Pool(asio::any_io_executor executor, PoolOptions options, ConnectionFactory factory)
    : executor_(std::move(executor)), options_(options), factory_(std::move(factory)) {}

bool Pool::in_backoff() const noexcept { return std::chrono::steady_clock::now() < next_connect_attempt_; }

PoolStats Pool::stats() const noexcept { return {idle_.size(), in_use_, connecting_, waiters_.size()}; }

asio::awaitable<QueryOutcome> Pool::execute(Statement statement, const Params& params) {
  auto acquired = co_await acquire();
  if (acquired.error) co_return QueryOutcome{{}, std::move(acquired.error)};
  co_return co_await acquired.lease.execute(statement, params);
}

asio::awaitable<Pool::Acquired> Pool::acquire() {
  if (closed_) co_return Acquired{{}, DbError::make(ErrorKind::unavailable, "the pool is closed")};
  while (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    if (!connection->survived_idling()) continue;  // dropped; its slot is free for a new one
    ++in_use_;
    co_return Acquired{Lease(shared_from_this(), std::move(connection)), {}};
  }
  const bool can_open = open_count() < options_.max_connections;
  if (can_open && !in_backoff()) co_return co_await open_new_connection();
  if (can_open && open_count() == 0) {
    // Nothing is open and the last attempt failed moments ago: fail fast rather than queue.
    co_return Acquired{{}, DbError::make(ErrorKind::unavailable, "the database is unavailable")};
  }
  if (waiters_.size() >= options_.max_waiters) {
    co_return Acquired{{}, DbError::make(ErrorKind::pool_exhausted, "too many requests are waiting for a database connection")};
  }

  const auto keep_pool_alive = shared_from_this();
  Waiter waiter(*this);
  waiter.wake.expires_after(options_.acquire_timeout);
  co_await waiter.wake.async_wait(asio::as_tuple(asio::use_awaitable));
  waiter.leave_queue();  // a timed-out waiter must not be handed a connection later

  if (waiter.handed_over) co_return Acquired{Lease(shared_from_this(), std::move(waiter.handed_over)), {}};
  if (waiter.may_open) co_return co_await open_new_connection();
  if (waiter.failure) co_return Acquired{{}, std::move(waiter.failure)};
  co_return Acquired{{}, DbError::make(ErrorKind::pool_exhausted, "no database connection became free in time")};
}

asio::awaitable<Pool::Acquired> Pool::open_new_connection() {
  ++connecting_;
  auto connection = factory_();
  auto error = co_await connection->open();
  --connecting_;
  if (error) {
    backoff_ = backoff_.count() == 0 ? options_.initial_backoff : std::min(backoff_ * 2, options_.max_backoff);
    next_connect_attempt_ = std::chrono::steady_clock::now() + backoff_;
    // Requests that queued behind this attempt would sit out their acquire timeout. With nothing
    // open they fail fast, as a request arriving now does.
    if (open_count() == 0) fail_waiters(DbError::make(ErrorKind::unavailable, "the database is unavailable"));
    co_return Acquired{{}, std::move(error)};
  }
  backoff_ = std::chrono::milliseconds{0};
  if (closed_) co_return Acquired{{}, DbError::make(ErrorKind::unavailable, "the pool is closed")};
  ++in_use_;
  co_return Acquired{Lease(shared_from_this(), std::move(connection)), {}};
}

void Pool::give_back(std::unique_ptr<Connection> connection) noexcept {
  --in_use_;
  const bool reusable = !closed_ && !connection->broken();
  if (!reusable) connection.reset();
  if (waiters_.empty()) {
    if (reusable) idle_.push_back(std::move(connection));
    return;
  }
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  if (reusable) {
    next->handed_over = std::move(connection);
    ++in_use_;
  } else if (closed_) {
    next->failure = DbError::make(ErrorKind::unavailable, "the pool is closed");
  } else {
    next->may_open = true;  // the dropped connection's slot is free for a replacement
  }
  next->wake.cancel();
}

void Pool::close() {
  closed_ = true;
  idle_.clear();
  fail_waiters(DbError::make(ErrorKind::unavailable, "the pool is closed"));
}

void Pool::fail_waiters(const DbError& error) {
  for (auto* waiter : waiters_) {
    waiter->failure = error;
    waiter->wake.cancel();
  }
  waiters_.clear();
}

}  // namespace coffeehouse::db
