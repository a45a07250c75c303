#pragma once
// Bounds the requests one io thread works on at once; the others wait in line, first come first
// served, for at most a deadline, and only then are refused (503 overloaded).
//
// Why a line and not a quick refusal: a client refused at once sends again at once. Past
// capacity the io thread then spends its time answering refusals while the few requests with a
// database connection wait behind thousands of socket events, and useful throughput collapses
// (issue #19 measured 1 % of capacity at 4,000 connections). A request that waits costs nothing
// while it waits, and every client holds at most one request, so the line is bounded by the
// connections (--max-connections): beyond capacity, clients get answers at capacity, each a
// little later, and a refusal comes only after a bounded wait.
//
// Single-threaded: one per io thread, touched only from its own io_context.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <utility>

namespace coffeehouse::net {

struct AdmissionOptions {
  std::size_t max_in_progress = 128;
  std::chrono::milliseconds max_wait{3000};
};

struct AdmissionStats {
  std::size_t in_progress = 0;
  std::size_t queued = 0;
  std::uint64_t refused = 0;  // waited max_wait without a place, since the start
};

class Admission {
 public:
  // One of the max_in_progress places; handed to the next in line when destroyed.
  class Place {
   public:
    Place(Place&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Place& operator=(Place&& other) noexcept {
      if (this != &other) {
        if (owner_ != nullptr) owner_->leave();
        owner_ = std::exchange(other.owner_, nullptr);
      }
      return *this;
    }
    Place(const Place&) = delete;
    Place& operator=(const Place&) = delete;
    ~Place() {
      if (owner_ != nullptr) owner_->leave();
    }

   private:
    friend class Admission;
    explicit Place(Admission& owner) : owner_(&owner) {}
    Admission* owner_;
  };

  explicit Admission(AdmissionOptions options);
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // A place at once while there is room and nobody waits; else one after waiting in line, or
  // none when max_wait passed first.
  boost::asio::awaitable<std::optional<Place>> enter();

  AdmissionStats stats() const noexcept { return {in_progress_, line_.size(), refused_}; }
  const AdmissionOptions& options() const noexcept { return options_; }

 private:
  struct Waiter;
  // A place is free: it goes to the first in line, or back to the count.
  void leave() noexcept;

  AdmissionOptions options_;
  std::size_t in_progress_ = 0;
  std::list<Waiter*> line_;
  std::uint64_t refused_ = 0;
};

}  // namespace coffeehouse::net
