#pragma once
// Connection strings: libpq accepts URIs and key=value strings alike; these helpers never
// take one apart by hand, they let libpq parse it.
#include "db/pg_handles.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace coffeehouse::db {

// Opens a connection with PQconnectStartParams (nonblocking) or PQconnectdbParams (blocking).
// connect_timeout and application_name are defaults the URL can override.
PgConnPtr start_connect(const std::string& database_url, std::chrono::milliseconds connect_timeout);
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
