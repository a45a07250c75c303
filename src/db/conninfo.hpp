#pragma once
// Connection strings: libpq accepts URIs and key=value strings alike; these helpers never
// take one apart by hand, they let libpq parse it.
#include "db/pg_handles.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::db {

// Opens a connection with PQconnectStartParams (nonblocking) or PQconnectdbParams (blocking).
// connect_timeout and application_name are defaults the URL can override.
PgConnPtr start_connect(const std::string& database_url, std::chrono::milliseconds connect_timeout);

// One host of a multi-host URL (host=a,b port=1,2): what replaces the list to try that host alone.
struct HostOverride {
  std::string host;
  std::string hostaddr;  // empty when the URL gives none
  std::string port;      // empty when the URL gives none
  std::string label;     // "host:port", for messages
};

// How a nonblocking connect tries the hosts of `database_url` one by one, each under a deadline
// of its own (libpq 15 ignores connect_timeout in PQconnectPoll, so a host that never answers
// would hold the whole attempt). Empty `hosts` when the URL names at most one host (or lists it
// in a way that cannot be split): then it is connected as it is.
struct HostPlan {
  std::vector<HostOverride> hosts;
  // The target_session_attrs of each pass over the hosts, empty for the URL's own. libpq's
  // prefer-standby is two passes, standby then any: per host it would take the first that answers.
  std::vector<std::string> passes;
  // The URL's connect_timeout when it sets one, else nullopt (the caller's default applies).
  std::optional<std::chrono::milliseconds> connect_timeout;
};
HostPlan plan_hosts(const std::string& database_url);

// start_connect to one host of the plan, with target_session_attrs `pass` when not empty.
PgConnPtr start_connect_to(const std::string& database_url, std::chrono::milliseconds connect_timeout,
                           const HostOverride& host, const std::string& pass);
PgConnPtr connect_blocking(const std::string& database_url, std::chrono::milliseconds connect_timeout);

// The URL with the password removed, for log lines. Returns a libpq key=value string,
// or a fixed placeholder when libpq cannot parse the URL at all.
std::string redact_conninfo(const std::string& database_url);

// `text` with any connection-string password in it masked: for messages that may echo
// command-line arguments (a CLI parse error quotes what it could not use).
std::string redact_passwords(std::string_view text);

// The parse error for a URL libpq cannot read, or empty when it is well-formed.
std::string conninfo_error(const std::string& database_url);

}  // namespace coffeehouse::db
