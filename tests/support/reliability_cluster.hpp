#pragma once
// A PostgreSQL cluster of the test's own, for tests that stop, restart or crash the server. The
// suite's cluster (COFFEEHOUSE_TEST_DATABASE_URL) serves other tests running in parallel and must
// never go down, so a test that takes PostgreSQL away gets a private one: scripts/pg-cluster in
// a fresh directory on a free port, with an application role, a database and the migrations
// applied (about 3 s). They are made only through the fault tests' environment, PrivateClusters.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace coffeehouse::testing {

// The environment of the fault tests (registered by their main, tests/fault_main.cpp), through
// which every PrivateCluster and PrivateStandby is made. Clusters live under
// $COFFEEHOUSE_TEST_SCRATCH_DIR (scripts/test destroys whatever a killed test leaves there), else
// under the system temporary directory. At the end of the run it destroys every cluster of this
// process that is still there: one whose constructor failed half-way has no destructor to do it.
class PrivateClusters : public ::testing::Environment {
 public:
  PrivateClusters();
  ~PrivateClusters() override;
  PrivateClusters(const PrivateClusters&) = delete;
  PrivateClusters& operator=(const PrivateClusters&) = delete;

  void TearDown() override;

  // The registered environment; throws std::logic_error when the binary registered none.
  static PrivateClusters& current();

 private:
  friend class PrivateCluster;
  // A fresh directory for a cluster (DIR/pg), recorded until forget() is called with it.
  std::filesystem::path new_directory();
  void forget(const std::filesystem::path& directory);

  std::mutex mutex_;
  std::set<std::filesystem::path> directories_;
};

class PrivateCluster {
 public:
  PrivateCluster();  // throws std::runtime_error with the reason
  ~PrivateCluster();
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  // The application role on the migrated database, for ServeConfig::database_url.
  const std::string& database_url() const noexcept { return database_url_; }
  int port() const noexcept { return port_; }
  // The same role and database on other ports (a standby of this cluster has both): one port, or
  // several for a multi-host URL, with URI query options such as "target_session_attrs=read-write".
  std::string database_url_on(std::initializer_list<int> ports, const std::string& options = {}) const;
  // The WAL position written so far (pg_current_wal_lsn), for PrivateStandby::wait_for_replay.
  std::string current_wal_lsn() const;

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
  friend class PrivateStandby;
  // Runs scripts/pg-cluster COMMAND --dir <this cluster> EXTRA; returns its stdout.
  std::string pg_cluster(const std::string& command, const std::vector<std::string>& extra_arguments = {}) const;
  struct Unstarted {};
  // A directory for a cluster that PrivateStandby makes: nothing started yet.
  explicit PrivateCluster(Unstarted);
  // The superuser's URL on the application database, named so that service sessions are told apart.
  std::string superuser_url_on_app_database() const;

  std::filesystem::path directory_;
  std::string cluster_dir_;
  int port_ = 0;
  std::string admin_url_;     // superuser on the application database
  std::string database_url_;  // application role on the application database
  std::string app_password_;
};

// A streaming replica of a PrivateCluster (scripts/pg-cluster standby: pg_basebackup, then
// hot standby on a free port), for tests of reads from replicas and of failover. It has the
// primary's roles and databases; it may be stopped, started and promoted like a real one.
class PrivateStandby {
 public:
  explicit PrivateStandby(const PrivateCluster& primary);  // throws std::runtime_error
  ~PrivateStandby();
  PrivateStandby(const PrivateStandby&) = delete;
  PrivateStandby& operator=(const PrivateStandby&) = delete;

  // The application role on the standby's copy of the application database.
  const std::string& database_url() const noexcept { return database_url_; }
  int port() const noexcept { return port_; }

  void stop();
  void start();
  // Ends recovery: the standby becomes a primary of its own, writable.
  void promote();
  // recovery_min_apply_delay: the standby receives WAL at once but applies it only this late.
  void set_apply_delay(std::chrono::milliseconds delay);
  // Pauses or resumes replaying WAL (pg_wal_replay_pause/resume): the standby falls behind.
  void pause_replay();
  void resume_replay();
  // Waits until the standby has replayed `lsn` (PrivateCluster::current_wal_lsn); false on timeout.
  bool wait_for_replay(const std::string& lsn, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // SQL as the superuser on the standby's application database (read-only until promoted).
  std::string scalar(const std::string& sql, std::initializer_list<std::string> params = {}) const;

 private:
  PrivateCluster cluster_;  // the standby's directory; its pg_cluster() runs the commands
  std::string database_url_;
  int port_ = 0;
};

}  // namespace coffeehouse::testing
