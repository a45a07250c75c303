#include "db/conninfo.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
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

namespace {

std::vector<std::string> split_list(const char* value) {
  std::vector<std::string> items;
  if (value == nullptr || *value == '\0') return items;
  std::string_view rest(value);
  while (true) {
    const auto comma = rest.find(',');
    items.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace

HostPlan plan_hosts(const std::string& database_url) {
  HostPlan plan;
  ConninfoOptionsPtr options(PQconninfoParse(database_url.c_str(), nullptr));
  if (!options) return plan;
  const char* host_value = nullptr;
  const char* hostaddr_value = nullptr;
  const char* port_value = nullptr;
  std::string target;
  for (const auto* option = options.get(); option->keyword != nullptr; ++option) {
    const std::string_view keyword = option->keyword;
    if (keyword == "host") host_value = option->val;
    if (keyword == "hostaddr") hostaddr_value = option->val;
    if (keyword == "port") port_value = option->val;
    if (keyword == "target_session_attrs" && option->val != nullptr) target = option->val;
    if (keyword == "connect_timeout" && option->val != nullptr && *option->val != '\0') {
      // libpq's rule: whole seconds, and below 2 means 2.
      const long seconds = std::strtol(option->val, nullptr, 10);
      if (seconds > 0) plan.connect_timeout = std::chrono::seconds(std::max(2L, seconds));
    }
  }
  const auto hosts = split_list(host_value);
  const auto hostaddrs = split_list(hostaddr_value);
  const auto ports = split_list(port_value);
  const auto count = std::max(hosts.size(), hostaddrs.size());
  // libpq's own rules: every list has one entry per host, a single port serves them all.
  const bool splittable = count > 1 && (hosts.empty() || hosts.size() == count) &&
                          (hostaddrs.empty() || hostaddrs.size() == count) &&
                          (ports.size() <= 1 || ports.size() == count);
  if (!splittable) return plan;
  for (std::size_t index = 0; index < count; ++index) {
    HostOverride host;
    if (!hosts.empty()) host.host = hosts[index];
    if (!hostaddrs.empty()) host.hostaddr = hostaddrs[index];
    if (!ports.empty()) host.port = ports.size() == 1 ? ports.front() : ports[index];
    // An empty entry means the default there; one host alone cannot say so, so leave such a URL whole.
    if ((!hosts.empty() && host.host.empty()) || (!hostaddrs.empty() && host.hostaddr.empty()) ||
        (ports.size() > 1 && host.port.empty())) {
      return {};
    }
    host.label = (host.host.empty() ? host.hostaddr : host.host) + ":" + (host.port.empty() ? "5432" : host.port);
    plan.hosts.push_back(std::move(host));
  }
  if (target == "prefer-standby") {
    plan.passes = {"standby", "any"};
  } else {
    plan.passes = {""};
  }
  return plan;
}

PgConnPtr start_connect_to(const std::string& database_url, std::chrono::milliseconds connect_timeout,
                           const HostOverride& host, const std::string& pass) {
  const auto seconds = std::to_string(std::max<long long>(1, (connect_timeout.count() + 999) / 1000));
  // After the expanded URL ("dbname"), so that they replace its lists; the defaults before it.
  std::vector<const char*> keywords{"connect_timeout", "application_name", "dbname"};
  std::vector<const char*> values{seconds.c_str(), "coffeehouse", database_url.c_str()};
  const auto set = [&](const char* keyword, const std::string& value) {
    if (value.empty()) return;
    keywords.push_back(keyword);
    values.push_back(value.c_str());
  };
  set("host", host.host);
  set("hostaddr", host.hostaddr);
  set("port", host.port);
  set("target_session_attrs", pass);
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  return PgConnPtr(PQconnectStartParams(keywords.data(), values.data(), 1));
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
