#include "db/conninfo.hpp"

#include <array>
#include <memory>
#include <regex>

namespace coffeehouse::db {
namespace {

struct ConninfoOptionsDeleter {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};
using ConninfoOptionsPtr = std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter>;

struct ErrorMessageDeleter {
  void operator()(char* message) const noexcept { PQfreemem(message); }
};

template <class Connect>
PgConnPtr connect_with_defaults(const std::string& database_url, std::chrono::milliseconds connect_timeout,
                                Connect connect) {
  // libpq's connect_timeout is in whole seconds (minimum 2 s is enforced by libpq itself).
  const auto seconds = std::to_string(std::max<long long>(1, (connect_timeout.count() + 999) / 1000));
  // Keywords are applied in order and later ones win, so the expanded URL ("dbname") comes
  // last: whatever it states overrides these defaults.
  const std::array<const char*, 4> keywords{"connect_timeout", "application_name", "dbname", nullptr};
  const std::array<const char*, 4> values{seconds.c_str(), "coffeehouse", database_url.c_str(), nullptr};
  return PgConnPtr(connect(keywords.data(), values.data(), 1));
}

}  // namespace

PgConnPtr start_connect(const std::string& database_url, std::chrono::milliseconds connect_timeout) {
  return connect_with_defaults(database_url, connect_timeout, PQconnectStartParams);
}

PgConnPtr connect_blocking(const std::string& database_url, std::chrono::milliseconds connect_timeout) {
  return connect_with_defaults(database_url, connect_timeout, PQconnectdbParams);
}

std::string conninfo_error(const std::string& database_url) {
  char* raw_error = nullptr;
  ConninfoOptionsPtr options(PQconninfoParse(database_url.c_str(), &raw_error));
  std::unique_ptr<char, ErrorMessageDeleter> error(raw_error);
  if (options) return {};
  std::string message = error ? error.get() : "out of memory";
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return message;
}

std::string redact_passwords(std::string_view text) {
  static const std::regex uri_password(R"((postgres(?:ql)?://[^:@/\s]*:)[^@\s]*@)", std::regex::icase);
  static const std::regex keyword_password(R"((password\s*=\s*)('[^']*'|[^\s]+))", std::regex::icase);
  const auto masked = std::regex_replace(std::string(text), uri_password, "$1***@");
  return std::regex_replace(masked, keyword_password, "$1***");
}

std::string redact_conninfo(const std::string& database_url) {
  ConninfoOptionsPtr options(PQconninfoParse(database_url.c_str(), nullptr));
  if (!options) return "<unparseable database url>";
  std::string redacted;
  for (const auto* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0') continue;
    if (!redacted.empty()) redacted += ' ';
    redacted += option->keyword;
    redacted += '=';
    redacted += std::string_view(option->keyword) == "password" ? "***" : option->val;
  }
  return redacted;
}

}  // namespace coffeehouse::db
