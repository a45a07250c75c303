#include "support/reliability_cluster.hpp"

#include "db/conninfo.hpp"
#include "db/migrations/commands.hpp"
#include "support/admin_sql.hpp"
#include "support/child_process.hpp"
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

PrivateCluster::PrivateCluster() {
  std::string pattern = (scratch_base() / "cluster-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  directory_ = pattern;
  std::filesystem::permissions(directory_, std::filesystem::perms::others_exec | std::filesystem::perms::group_exec,
                               std::filesystem::perm_options::add);
  cluster_dir_ = (directory_ / "pg").string();

  // A port free when picked may be taken before PostgreSQL binds it: retry with another.
  for (int attempt = 1;; ++attempt) {
    port_ = pick_free_port();
    try {
      pg_cluster("start", "--port=" + std::to_string(port_));
      break;
    } catch (const std::runtime_error&) {
      if (attempt == 3) throw;
    }
  }

  const auto authority = "@127.0.0.1:" + std::to_string(port_) + "/";
  auto superuser_url = pg_cluster("url");
  while (!superuser_url.empty() && superuser_url.back() == '\n') superuser_url.pop_back();
  // pg-cluster prints postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres.
  const auto database_at = superuser_url.rfind('/');
  // A name of its own: libpq connections here default to "coffeehouse", and the test's own
  // queries must not count as (or be picked to kill as) service sessions.
  admin_url_ = with_application_name(superuser_url.substr(0, database_at + 1) + app_database, "private_cluster_admin");
  const auto password = random_hex();
  {
    auto conn = connect_or_throw(superuser_url);
    execute_or_throw(conn.get(), std::string("CREATE ROLE ") + app_role + " LOGIN PASSWORD '" + password + "'");
    execute_or_throw(conn.get(), std::string("CREATE DATABASE ") + app_database + " OWNER " + app_role);
  }
  database_url_ = std::string("postgresql://") + app_role + ":" + password + authority + app_database;

  std::ostringstream migration_log;
  const auto migrated = db::migrations::upgrade({database_url_, versions_dir()}, "heads",
                                                db::migrations::SqlMode::run, migration_log);
  if (!migrated) throw std::runtime_error("private cluster: migrations failed: " + migrated.error().message);
}

PrivateCluster::~PrivateCluster() {
  try {
    pg_cluster("destroy");
  } catch (const std::exception&) {
    // Nothing more to do here; scripts/test destroys what is left in the scratch directory.
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void PrivateCluster::stop() { pg_cluster("stop"); }

void PrivateCluster::start() { pg_cluster("start"); }

int PrivateCluster::service_backends_waiting_on(const std::string& wait_event) const {
  return std::stoi(scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'coffeehouse' "
                          "AND state = 'active' AND wait_event = $1",
                          {wait_event}));
}

bool PrivateCluster::terminate_backend_waiting_on(const std::string& wait_event) {
  // Chosen and signalled in one statement, so the backend cannot be swapped in between.
  return scalar("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
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

std::vector<std::string> PrivateCluster::column(const std::string& sql, std::initializer_list<std::string> params) const {
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

std::string PrivateCluster::pg_cluster(const std::string& command, const std::string& extra_arguments) const {
  std::vector<std::string> arguments{std::string(COFFEEHOUSE_SOURCE_DIR) + "/scripts/pg-cluster", command, "--dir",
                                     cluster_dir_};
  if (!extra_arguments.empty()) arguments.push_back(extra_arguments);
  auto result = run_process(std::move(arguments), inherited_environment([](std::string_view) { return false; }));
  if (result.exit_code != 0) {
    throw std::runtime_error("private cluster: `pg-cluster " + command + "` failed (exit " +
                             std::to_string(result.exit_code) + "): " + result.err);
  }
  return std::move(result.out);
}

}  // namespace coffeehouse::testing
