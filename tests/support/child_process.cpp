#include "support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace coffeehouse::testing {
namespace {

std::filesystem::path make_capture_file(int& fd) {
  std::string name = (std::filesystem::temp_directory_path() / "coffeehouse-child-XXXXXX").string();
  fd = mkostemp(name.data(), O_CLOEXEC);  // the child gets it through dup2, which clears the flag
  if (fd < 0) throw std::runtime_error(std::string("mkstemp: ") + std::strerror(errno));
  return name;
}

std::string read_and_remove(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  std::error_code ignored;  // also runs from the destructor: never throw
  std::filesystem::remove(path, ignored);
  return text.str();
}

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
};

std::vector<char*> null_terminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& string : strings) pointers.push_back(string.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

std::vector<std::string> inherited_environment(const std::function<bool(std::string_view)>& drop,
                                               const std::vector<std::string>& extra) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!drop(*entry)) environment.emplace_back(*entry);
  }
  environment.insert(environment.end(), extra.begin(), extra.end());
  return environment;
}

ChildProcess::ChildProcess(std::vector<std::string> command, std::vector<std::string> environment) {
  int out_fd = -1;
  int err_fd = -1;
  out_path_ = make_capture_file(out_fd);
  err_path_ = make_capture_file(err_fd);
  auto argv = null_terminated(command);
  auto envp = null_terminated(environment);

  FileActions actions;
  posix_spawn_file_actions_adddup2(actions.get(), out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), err_fd, STDERR_FILENO);
  // A child that starts a server (pg-cluster starts the postmaster) would otherwise hand it the
  // test's sockets, and the service's listening socket and connections would never really close.
  posix_spawn_file_actions_addclosefrom_np(actions.get(), STDERR_FILENO + 1);
  const int spawned = posix_spawn(&pid_, argv[0], actions.get(), nullptr, argv.data(), envp.data());
  close(out_fd);
  close(err_fd);
  if (spawned != 0) {
    pid_ = -1;
    std::filesystem::remove(out_path_);
    std::filesystem::remove(err_path_);
    throw std::runtime_error("posix_spawn " + command.front() + ": " + std::strerror(spawned));
  }
}

ChildProcess::~ChildProcess() {
  // Only when a test failed before waiting: a child blocked on a lock the test still holds would
  // otherwise hang the suite.
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    try {
      wait();
    } catch (const std::exception&) {  // nothing more to do for it here
    }
  }
}

ProcessResult ChildProcess::wait() {
  // waitpid(-1) would reap any child of the test process.
  if (pid_ <= 0) throw std::logic_error("ChildProcess::wait: the child was already waited for");
  int status = 0;
  int reaped = 0;
  while ((reaped = waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (reaped < 0) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
  return ProcessResult{.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                       .out = read_and_remove(out_path_),
                       .err = read_and_remove(err_path_)};
}

}  // namespace coffeehouse::testing
