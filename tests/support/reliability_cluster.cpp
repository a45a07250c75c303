#include "support/reliability_cluster.hpp"

#include "db/conninfo.hpp"
#include "db/migrations/commands.hpp"
#include "support/admin_sql.hpp"
#include "support/pg_cluster.hpp"
#include "support/test_env.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace coffeehouse::testing {
namespace {

constexpr const char* app_role = "coffeehouse_app";
constexpr const char* app_database = "coffeehouse";

std::filesystem::path scratch_base() {
  const char* configured = std::getenv("COFFEEHOUSE_TEST_SCRATCH_DIR");
  std::filesystem::path base = configured != nullptr && *configured != '\0'
                                   ? std::filesystem::path(configured)
                                   : std::filesystem::temp_directory_path() / "coffeehouse-private-clusters";
  std::filesystem::create_directories(base);
  // The server runs as 'postgres' when the tests run as root: it must be able to traverse.
  std::filesystem::permissions(base, std::filesystem::perms::others_exec | std::filesystem::perms::group_exec,
                               std::filesystem::perm_options::add);
  return base;
}

// Like scripts/lib/common.sh's pick_free_port: below the ephemeral range, so no outgoing
// connection takes it between this check and PostgreSQL's bind.
int pick_free_port() {
  static thread_local std::mt19937 generator{std::random_device{}()};
  std::uniform_int_distribution<int> ports(20000, 31999);
  boost::asio::io_context io;
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int port = ports(generator);
    boost::asio::ip::tcp::acceptor probe(io);
    boost::system::error_code ec;
    probe.open(boost::asio::ip::tcp::v4(), ec);
    if (!ec) probe.bind({boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)}, ec);
    if (!ec) return port;
  }
  throw std::runtime_error("no free TCP port for a private cluster");
}

std::string random_hex() {
  std::random_device entropy;
  std::ostringstream text;
  text << std::hex;
  for (int i = 0; i < 4; ++i) text << entropy();
  return text.str();
}

void execute_or_throw(PGconn* conn, const std::string& sql) {
  db::PgResultPtr result(PQexec(conn, sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error("private cluster: " + sql + ": " + PQerrorMessage(conn));
  }
}

}  // namespace

namespace {
PrivateClusters* registered = nullptr;
}  // namespace

PrivateClusters::PrivateClusters() { registered = this; }

PrivateClusters::~PrivateClusters() {
  if (registered == this) registered = nullptr;
}

PrivateClusters& PrivateClusters::current() {
  if (registered == nullptr) {
    throw std::logic_error("no PrivateClusters environment: private clusters belong to the fault tests' binary");
  }
  return *registered;
}

std::filesystem::path PrivateClusters::new_directory() {
  std::string pattern = (scratch_base() / "cluster-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  std::filesystem::path directory = pattern;
  std::filesystem::permissions(directory, std::filesystem::perms::others_exec | std::filesystem::perms::group_exec,
                               std::filesystem::perm_options::add);
  const std::lock_guard lock(mutex_);
  directories_.insert(directory);
  return directory;
}

void PrivateClusters::forget(const std::filesystem::path& directory) {
  const std::lock_guard lock(mutex_);
  directories_.erase(directory);
}

void PrivateClusters::TearDown() {
  const std::lock_guard lock(mutex_);
  for (const auto& directory : directories_) {
    try {
      testing::pg_cluster((directory / "pg").string(), "destroy");
    } catch (const std::runtime_error& error) {
      ADD_FAILURE() << "a private cluster left behind could not be destroyed: " << error.what();
    }
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
  }
  directories_.clear();
}

PrivateCluster::PrivateCluster(Unstarted)
    : directory_(PrivateClusters::current().new_directory()), cluster_dir_((directory_ / "pg").string()) {}

std::string PrivateCluster::superuser_url_on_app_database() const {
  auto superuser_url = pg_cluster("url");
  while (!superuser_url.empty() && superuser_url.back() == '\n') superuser_url.pop_back();
  // pg-cluster prints postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres.
  const auto database_at = superuser_url.rfind('/');
  // A name of its own: libpq connections here default to "coffeehouse", and the test's own
  // queries must not count as (or be picked to kill as) service sessions.
  return with_application_name(superuser_url.substr(0, database_at + 1) + app_database, "private_cluster_admin");
}

PrivateCluster::PrivateCluster() : PrivateCluster(Unstarted{}) {
  // A port free when picked may be taken before PostgreSQL binds it: retry with another.
  for (int attempt = 1;; ++attempt) {
    port_ = pick_free_port();
    try {
      pg_cluster("start", {"--port=" + std::to_string(port_)});
      break;
    } catch (const std::runtime_error&) {
      if (attempt == 3) throw;
    }
  }

  auto superuser_url = pg_cluster("url");
  while (!superuser_url.empty() && superuser_url.back() == '\n') superuser_url.pop_back();
  admin_url_ = superuser_url_on_app_database();
  app_password_ = random_hex();
  {
    auto conn = connect_or_throw(superuser_url);
    execute_or_throw(conn.get(), std::string("CREATE ROLE ") + app_role + " LOGIN PASSWORD '" + app_password_ + "'");
    execute_or_throw(conn.get(), std::string("CREATE DATABASE ") + app_database + " OWNER " + app_role);
  }
  database_url_ = database_url_on({port_});

  std::ostringstream migration_log;
  const auto migrated =
      db::migrations::upgrade({database_url_, versions_dir()}, "heads", db::migrations::SqlMode::run, migration_log);
  if (!migrated) throw std::runtime_error("private cluster: migrations failed: " + migrated.error().message);
}

PrivateCluster::~PrivateCluster() {
  try {
    pg_cluster("destroy");
  } catch (const std::exception&) {
    return;  // left to PrivateClusters::TearDown, which tries again and reports it
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
  PrivateClusters::current().forget(directory_);
}

std::string PrivateCluster::database_url_on(std::initializer_list<int> ports, const std::string& options) const {
  std::string hosts;
  for (const int port : ports) hosts += (hosts.empty() ? "127.0.0.1:" : ",127.0.0.1:") + std::to_string(port);
  return std::string("postgresql://") + app_role + ":" + app_password_ + "@" + hosts + "/" + app_database +
         (options.empty() ? "" : "?" + options);
}

std::string PrivateCluster::current_wal_lsn() const { return scalar("SELECT pg_current_wal_lsn()::text"); }

void PrivateCluster::stop() { pg_cluster("stop"); }

void PrivateCluster::start() { pg_cluster("start"); }

int PrivateCluster::service_backends_waiting_on(const std::string& wait_event) const {
  return std::stoi(
      scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'coffeehouse' "
             "AND state = 'active' AND wait_event = $1",
             {wait_event}));
}

bool PrivateCluster::terminate_backend_waiting_on(const std::string& wait_event) {
  // Chosen and signalled in one statement, so the backend cannot be swapped in between.
  return scalar(
             "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
             "WHERE application_name = 'coffeehouse' AND state = 'active' AND wait_event = $1",
             {wait_event}) != "0";
}

int PrivateCluster::kill_a_service_backend() {
  // A backend listed a moment ago may have exited since (the pool replaces connections it finds
  // dead), so a pid that is gone by the time of the kill is skipped and the next one tried.
  for (int attempt = 0; attempt < 50; ++attempt) {
    const auto pid = scalar(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'coffeehouse' "
        "ORDER BY state = 'active' DESC, backend_start LIMIT 1");
    if (pid.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    const int backend = std::stoi(pid);
    if (::kill(backend, SIGKILL) == 0) return backend;
    if (errno != ESRCH) throw std::runtime_error(std::string("kill: ") + std::strerror(errno));
  }
  throw std::runtime_error("private cluster: the service kept no backend alive long enough to kill");
}

std::vector<std::string> PrivateCluster::column(const std::string& sql,
                                                std::initializer_list<std::string> params) const {
  auto conn = connect_or_throw(admin_url_);
  try {
    return first_column(conn.get(), sql, params);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string("private cluster: ") + error.what());
  }
}

std::string PrivateCluster::scalar(const std::string& sql, std::initializer_list<std::string> params) const {
  const auto rows = column(sql, params);
  return rows.empty() ? std::string() : rows.front();
}

std::string PrivateCluster::pg_cluster(const std::string& command,
                                       const std::vector<std::string>& extra_arguments) const {
  try {
    return testing::pg_cluster(cluster_dir_, command, extra_arguments);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string("private cluster: ") + error.what());
  }
}

PrivateStandby::PrivateStandby(const PrivateCluster& primary) : cluster_(PrivateCluster::Unstarted{}) {
  for (int attempt = 1;; ++attempt) {
    port_ = pick_free_port();
    try {
      cluster_.pg_cluster("standby", {"--primary", primary.cluster_dir_, "--port=" + std::to_string(port_)});
      break;
    } catch (const std::runtime_error&) {
      // A failed attempt may leave a half-made copy: the next one needs an empty directory.
      try {
        cluster_.pg_cluster("destroy");
      } catch (const std::runtime_error&) {
      }
      if (attempt == 3) throw;
    }
  }
  cluster_.port_ = port_;
  cluster_.app_password_ = primary.app_password_;
  cluster_.admin_url_ = cluster_.superuser_url_on_app_database();
  database_url_ = primary.database_url_on({port_});
}

PrivateStandby::~PrivateStandby() = default;

void PrivateStandby::stop() { cluster_.stop(); }

void PrivateStandby::start() { cluster_.start(); }

void PrivateStandby::promote() { cluster_.pg_cluster("promote"); }

void PrivateStandby::set_apply_delay(std::chrono::milliseconds delay) {
  // ALTER SYSTEM runs outside a transaction and takes no parameters: the value is a number.
  cluster_.scalar("ALTER SYSTEM SET recovery_min_apply_delay = '" + std::to_string(delay.count()) + "ms'");
  cluster_.scalar("SELECT pg_reload_conf()");
}

void PrivateStandby::pause_replay() { cluster_.scalar("SELECT pg_wal_replay_pause()"); }

void PrivateStandby::resume_replay() { cluster_.scalar("SELECT pg_wal_replay_resume()"); }

bool PrivateStandby::wait_for_replay(const std::string& lsn, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cluster_.scalar("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", {lsn}) == "t") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string PrivateStandby::scalar(const std::string& sql, std::initializer_list<std::string> params) const {
  return cluster_.scalar(sql, params);
}

}  // namespace coffeehouse::testing
