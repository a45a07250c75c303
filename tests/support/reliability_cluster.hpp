#pragma once
// A PostgreSQL cluster of the test's own, for tests that stop, restart or crash the server. The
// suite's cluster (COFFEEHOUSE_TEST_DATABASE_URL) serves other tests running in parallel and must
// never go down, so a test that takes PostgreSQL away gets a private one: scripts/pg-cluster in
// a fresh directory on a free port, with an application role, a database and the migrations
// applied (about 3 s). Clusters live under $COFFEEHOUSE_TEST_SCRATCH_DIR (scripts/test destroys
// whatever a crashed test leaves there), else under the system temporary directory.
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

namespace coffeehouse::testing {

class PrivateCluster {
 public:
  PrivateCluster();  // throws std::runtime_error with the reason
  ~PrivateCluster();
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  // The application role on the migrated database, for ServeConfig::database_url.
  const std::string& database_url() const noexcept { return database_url_; }

  // Each returns once PostgreSQL has stopped (fast shutdown: sessions are terminated) or
  // accepts connections again.
  void stop();
  void start();

  // Service backends running a statement that waits on WAIT_EVENT (pg_stat_activity.wait_event,
  // e.g. PgSleep inside pg_sleep). The statement text is no such test: it also shows while the
  // statement is merely being prepared on a new connection.
  int service_backends_waiting_on(const std::string& wait_event) const;
  // pg_terminate_backend on such a backend; true once one was terminated (and has exited).
  bool terminate_backend_waiting_on(const std::string& wait_event);
  // SIGKILL to one busy service backend (one running a statement, else any): PostgreSQL takes a
  // dead backend for a crash, ends every other session and reinitialises before it accepts
  // connections again. Returns the backend's pid.
  int kill_a_service_backend();

  // SQL as the superuser on the application database; parameters are text. The first column of
  // every row (NULL as ""). Reconnects every call: a restart in between must not matter.
  std::vector<std::string> column(const std::string& sql, std::initializer_list<std::string> params = {}) const;
  std::string scalar(const std::string& sql, std::initializer_list<std::string> params = {}) const;

 private:
  // Runs scripts/pg-cluster COMMAND --dir <this cluster> EXTRA; returns its stdout.
  std::string pg_cluster(const std::string& command, const std::string& extra_arguments = {}) const;

  std::filesystem::path directory_;
  std::string cluster_dir_;
  int port_ = 0;
  std::string admin_url_;     // superuser on the application database
  std::string database_url_;  // application role on the application database
};

}  // namespace coffeehouse::testing
