#pragma once
// Running another program from a test (the coffeehouse binary, psql, scripts/pg-cluster): its
// stdout and stderr are captured in files, not pipes, so a chatty child never blocks on a pipe
// the test is not reading yet; no other descriptor of the test reaches it.
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when a signal ended it
  std::string out;
  std::string err;
};

// The test's own environment without the entries `drop` selects, followed by `extra`
// ("NAME=value" each).
std::vector<std::string> inherited_environment(const std::function<bool(std::string_view)>& drop,
                                               const std::vector<std::string>& extra = {});

class ChildProcess {
 public:
  // `command[0]` is the program's path. Throws std::runtime_error if it cannot be started.
  ChildProcess(std::vector<std::string> command, std::vector<std::string> environment);
  ~ChildProcess();  // kills the child if wait() was never called
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  ProcessResult wait();

 private:
  std::filesystem::path out_path_;
  std::filesystem::path err_path_;
  pid_t pid_ = -1;
};

inline ProcessResult run_process(std::vector<std::string> command, std::vector<std::string> environment) {
  return ChildProcess(std::move(command), std::move(environment)).wait();
}

}  // namespace coffeehouse::testing
