#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <stdexcept>

namespace coffeehouse::testing {

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    ADD_FAILURE() << name << " is not set: run the suite through scripts/test, which starts PostgreSQL";
    throw std::runtime_error(std::string(name) + " is not set");
  }
  return value;
}

std::string versions_dir() { return std::string(COFFEEHOUSE_SOURCE_DIR) + "/schema/versions"; }

std::string with_application_name(const std::string& url, const std::string& name) {
  if (url.find("://") == std::string::npos) return url + " application_name=" + name;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "application_name=" + name;
}

std::string quoted_conninfo_value(const std::string& value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string unique_word(std::size_t length) {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<int> letter('a', 'z');
  std::string word;
  for (std::size_t i = 0; i < length; ++i) word.push_back(static_cast<char>(letter(generator)));
  return word;
}

}  // namespace coffeehouse::testing
