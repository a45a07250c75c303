// The real binary, as scripts/run starts it: serves, answers, and stops cleanly on SIGTERM.
#include "support/http_client.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace coffeehouse::testing {
namespace {

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

TEST(Binary, ServesUntilSigtermThenExitsZeroWithoutLoggingThePassword) {
  const auto port = free_port();
  const auto log_path = std::filesystem::temp_directory_path() / ("coffeehouse-binary-" + unique_word() + ".log");
  const auto url = database_url();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const auto listen = "127.0.0.1:" + std::to_string(port);
    const auto versions = versions_dir();
    const int log = ::open(log_path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::execl(COFFEEHOUSE_BINARY_PATH, "coffeehouse", "serve", "--database-url", url.c_str(), "--listen", listen.c_str(),
            "--versions-dir", versions.c_str(), "--seed", "never", "--threads", "2", static_cast<char*>(nullptr));
    ::_exit(127);
  }

  bool answered = false;
  for (int attempt = 0; attempt < 100 && !answered; ++attempt) {
    try {
      answered = HttpClient(port).get("/readyz").status() == 200;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_TRUE(answered) << "the binary never became ready";

  ::kill(child, SIGTERM);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);

  std::stringstream log;
  log << std::ifstream(log_path).rdbuf();
  std::filesystem::remove(log_path);
  EXPECT_NE(log.str().find("db-mode async | threads 2"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("GET /readyz 200"), std::string::npos) << log.str();
  const auto at = url.find('@');
  const auto colon = url.rfind(':', at);
  ASSERT_NE(at, std::string::npos) << "the test URL is expected to carry a password";
  const auto password = url.substr(colon + 1, at - colon - 1);
  EXPECT_EQ(log.str().find(password), std::string::npos) << "the password appears in the log";
}

}  // namespace
}  // namespace coffeehouse::testing
