#include "app/config.hpp"
#include "db/conninfo.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace coffeehouse::app {
namespace {

// Parses `serve` flags the way the binary does, with the environment as it is.
ServeConfig parse(std::vector<std::string> args) {
  CLI::App command;
  ServeConfig config;
  add_serve_options(command, config);
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  command.parse(args);
  finish_serve_config(config);
  return config;
}

struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  const char* name_;
};

TEST(ServeConfig, FlagsAreParsedIntoTheConfig) {
  const auto config = parse({"--database-url", "postgresql://u:p@db:5432/x", "--listen", "0.0.0.0:9000", "--db-mode",
                             "sync", "--threads", "3", "--pool-size", "7", "--log-level", "warn"});
  EXPECT_EQ(config.database_url, "postgresql://u:p@db:5432/x");
  EXPECT_EQ(config.listen_host, "0.0.0.0");
  EXPECT_EQ(config.listen_port, 9000);
  EXPECT_EQ(config.db_mode, db::DbMode::sync);
  EXPECT_EQ(config.threads, 3u);
  EXPECT_EQ(config.pool_size, 7u);
  EXPECT_EQ(config.log_level, spdlog::level::warn);
  // 7 connections over 3 threads: 3, 2, 2.
  EXPECT_EQ(pool_share(config, 0) + pool_share(config, 1) + pool_share(config, 2), 7u);
  EXPECT_EQ(pool_share(config, 0), 3u);
}

TEST(ServeConfig, EnvironmentVariablesApplyAndFlagsWinOverThem) {
  ScopedEnv mode("COFFEEHOUSE_DB_MODE", "sync");
  ScopedEnv threads("COFFEEHOUSE_THREADS", "4");
  ScopedEnv pool("COFFEEHOUSE_POOL_SIZE", "8");
  EXPECT_EQ(parse({}).db_mode, db::DbMode::sync);
  EXPECT_EQ(parse({}).threads, 4u);
  EXPECT_EQ(parse({"--db-mode", "async"}).db_mode, db::DbMode::async);
}

TEST(ServeConfig, InputLimitsAreFlagsWithEnvironmentVariablesAndBounds) {
  const auto config = parse({"--max-header-bytes", "4096", "--max-body-bytes", "65536", "--max-json-depth", "8"});
  EXPECT_EQ(config.max_header_bytes, 4096u);
  EXPECT_EQ(config.max_body_bytes, 65536u);
  EXPECT_EQ(config.max_json_depth, 8u);
  {
    ScopedEnv depth("COFFEEHOUSE_MAX_JSON_DEPTH", "16");
    EXPECT_EQ(parse({}).max_json_depth, 16u);
  }
  EXPECT_THROW(parse({"--max-header-bytes", "100"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--max-body-bytes", "0"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--max-json-depth", "1"}), CLI::ValidationError);
}

TEST(ServeConfig, Ipv6ListenAddressesUseBrackets) {
  const auto config = parse({"--listen", "[::1]:8081"});
  EXPECT_EQ(config.listen_host, "::1");
  EXPECT_EQ(config.listen_port, 8081);
}

TEST(ServeConfig, BadValuesNameTheirFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--threads", "0"}, "--threads"},
      {{"--threads", "many"}, "--threads"},
      {{"--db-mode", "turbo"}, "--db-mode"},
      {{"--listen", "8080"}, "--listen"},
      {{"--listen", "127.0.0.1:99999"}, "--listen"},
      {{"--listen", "example.com:80"}, "--listen"},
      {{"--threads", "4", "--pool-size", "2"}, "--pool-size"},
      {{"--database-url", "postgresql://[broken"}, "--database-url"},
      {{"--log-level", "loud"}, "--log-level"},
  };
  for (const auto& [args, flag] : cases) {
    try {
      parse(args);
      ADD_FAILURE() << "accepted " << args.front() << " " << args.back();
    } catch (const CLI::Error& error) {
      EXPECT_NE(std::string(error.what()).find(flag), std::string::npos) << error.what();
    }
  }
}

// The binary itself: a bad value is one line on stderr and exit code 2.
TEST(ServeConfig, BinaryRejectsBadFlagWithOneLineAndExitCode2) {
  const std::string command = std::string(COFFEEHOUSE_BINARY_PATH) + " serve --threads zero 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  std::array<char, 256> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr) output += chunk.data();
  const int status = ::pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
  EXPECT_NE(output.find("--threads"), std::string::npos) << output;
}

TEST(ServeConfig, ParseErrorsNeverEchoAPassword) {
  const std::string command =
      std::string(COFFEEHOUSE_BINARY_PATH) + " serve --database-url postgresql://app:hunter2@db/x --no-such-flag 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  std::array<char, 256> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr) output += chunk.data();
  EXPECT_EQ(WEXITSTATUS(::pclose(pipe)), 2);
  EXPECT_EQ(output.find("hunter2"), std::string::npos) << output;
  EXPECT_EQ(db::redact_passwords("x password=s3cret y"), "x password=*** y");
  EXPECT_EQ(db::redact_passwords("at postgresql://u:p4ss@h/db."), "at postgresql://u:***@h/db.");
}

TEST(ServeConfig, RedactedDatabaseUrlHidesThePassword) {
  const auto redacted = db::redact_conninfo("postgresql://app:s3cret-pass@db.example:5432/skillbox_db");
  EXPECT_EQ(redacted.find("s3cret-pass"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("skillbox_db"), std::string::npos) << redacted;
  EXPECT_EQ(db::redact_conninfo("host=db password=s3cret-pass").find("s3cret-pass"), std::string::npos);
}

}  // namespace
}  // namespace coffeehouse::app
