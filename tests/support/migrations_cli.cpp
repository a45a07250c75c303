#include "support/migrations_cli.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace coffeehouse::testing {
namespace {

// A file for one captured stream, opened for the child and read back after it exits. Files, not
// pipes: a chatty child can never block on a full pipe the test is not reading yet.
std::filesystem::path make_capture_file(int& fd) {
  std::string name = (std::filesystem::temp_directory_path() / "coffeehouse-cli-XXXXXX").string();
  fd = mkstemp(name.data());
  if (fd < 0) throw std::runtime_error(std::string("mkstemp: ") + std::strerror(errno));
  return name;
}

std::string read_and_remove(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  std::filesystem::remove(path);
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

}  // namespace

CliProcess::CliProcess(const std::vector<std::string>& args, const std::vector<std::string>& extra_environment) {
  int out_fd = -1;
  int err_fd = -1;
  out_path_ = make_capture_file(out_fd);
  err_path_ = make_capture_file(err_fd);

  std::vector<std::string> arguments{COFFEEHOUSE_BINARY_PATH};
  arguments.insert(arguments.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);

  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!std::string_view(*entry).starts_with("DATABASE_URL=")) environment.emplace_back(*entry);
  }
  environment.insert(environment.end(), extra_environment.begin(), extra_environment.end());
  std::vector<char*> envp;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);

  FileActions actions;
  posix_spawn_file_actions_adddup2(actions.get(), out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), err_fd, STDERR_FILENO);
  const int spawned = posix_spawn(&pid_, argv[0], actions.get(), nullptr, argv.data(), envp.data());
  close(out_fd);
  close(err_fd);
  if (spawned != 0) throw std::runtime_error(std::string("posix_spawn coffeehouse: ") + std::strerror(spawned));
}

CliProcess::~CliProcess() {
  // Only when a test failed before waiting: a child blocked on a lock the test still holds would
  // otherwise hang the suite.
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    wait();
  }
}

CliResult CliProcess::wait() {
  CliResult result;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_and_remove(out_path_);
  result.err = read_and_remove(err_path_);
  return result;
}

CliResult run_coffeehouse(const std::vector<std::string>& args, const std::vector<std::string>& extra_environment) {
  return CliProcess(args, extra_environment).wait();
}

CliResult migrate(const std::filesystem::path& versions_dir, std::vector<std::string> args) {
  args.insert(args.begin(), "migrate");
  args.insert(args.end(), {"--versions-dir", versions_dir.string()});
  return run_coffeehouse(args);
}

CliResult migrate(const ScratchDatabase& database, const std::filesystem::path& versions_dir,
                  std::vector<std::string> args) {
  args.insert(args.end(), {"--database-url", database.url()});
  return migrate(versions_dir, std::move(args));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace coffeehouse::testing
