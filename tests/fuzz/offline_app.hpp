#pragma once
// The real route table and handlers over a database that is never there: every connection
// attempt fails at once, so a handler runs up to its first query and answers 503. Lets the
// fuzzers drive routing, request parsing and validation without PostgreSQL, on one io_context
// that they run to completion for every input.
#include "handlers/services.hpp"
#include "metrics/worker_metrics.hpp"
#include "net/router.hpp"
#include "net/session.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string_view>

namespace coffeehouse::fuzz {

class OfflineApp {
 public:
  OfflineApp();

  boost::asio::io_context& io() noexcept { return io_; }
  const net::Router& router() const noexcept { return router_; }
  // What the session calls: the router's answer.
  const net::RequestHandler& handler() const noexcept { return handler_; }

 private:
  boost::asio::io_context io_{1};
  std::shared_ptr<db::Pool> pool_;
  handlers::AppState state_;
  db::ReadRouting reads_;
  metrics::ExpositionLabels labels_;
  handlers::Services services_;
  net::Router router_;
  net::RequestHandler handler_;
};

// Aborts (a crash libFuzzer reports, with the input) unless `condition` holds.
void require(bool condition, std::string_view what);

// The API's promises for any answer: a known status, never 500, an error body of the one
// documented shape, Allow on 405, Retry-After on 503.
void require_api_answer(const net::Response& response);

}  // namespace coffeehouse::fuzz
