#pragma once
// A real coffeehouse service on an ephemeral loopback port, in this process, against the test
// database (or none: offline_config). Started in the constructor, stopped gracefully in the destructor.
#include "app/config.hpp"
#include "app/service.hpp"
#include "support/http_client.hpp"

#include <memory>
#include <thread>

namespace coffeehouse::testing {

// How a test's service reaches the test database.
struct ServiceSetup {
  db::DbMode mode = db::DbMode::async;
  bool pipeline = false;  // async mode only
  // Through PgBouncer in transaction pooling, with fewer server connections than the service's
  // pool, and so with prepared statements off.
  bool through_pgbouncer = false;
};

// The configuration tests start from: the test database, port 0, two threads, pool of four.
app::ServeConfig test_config(db::DbMode mode);
app::ServeConfig test_config(const ServiceSetup& setup);
// The same on a database nothing listens on (async mode), for the unit tests of what the
// service answers before it asks the database: HTTP framing, malformed targets, probes.
app::ServeConfig offline_config();
// `config` on one io thread with the /bench routes on, for tests that fill the thread's places or
// its pool with GET /bench/sleep?ms=N requests.
app::ServeConfig on_one_thread_with_bench_routes(app::ServeConfig config);

class RunningService {
 public:
  explicit RunningService(app::ServeConfig config);
  explicit RunningService(db::DbMode mode) : RunningService(test_config(mode)) {}
  ~RunningService();
  RunningService(const RunningService&) = delete;
  RunningService& operator=(const RunningService&) = delete;

  std::uint16_t port() const { return service_->port(); }
  HttpClient client() const { return HttpClient(port()); }
  // Graceful stop; returns once every io thread has finished.
  void stop();

 private:
  std::unique_ptr<app::Service> service_;
  std::thread runner_;
};

// Runs SQL as the application role, for arranging data the API cannot create (coffee rows).
// Parameters are text; returns the first column of the first row, or "" when there is none.
std::string query_scalar(const std::string& sql, std::initializer_list<std::string> params = {});

// Inserts a coffee and returns its id.
std::int64_t insert_coffee(const std::string& title, const std::string& notes_array_literal = "{}");
// Deletes a coffee. Tests running meanwhile may have given it to a user (POST /users without
// coffee_id picks any coffee): those users lose it rather than the delete failing.
void delete_coffee(std::int64_t id);

}  // namespace coffeehouse::testing
