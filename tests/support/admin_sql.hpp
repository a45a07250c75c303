#pragma once
// SQL that tests run beside the service: blocking libpq, parameters as text, failures thrown.
#include "db/pg_handles.hpp"

#include <libpq-fe.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace coffeehouse::testing {

// A blocking connection to `url`, or std::runtime_error naming the (password-redacted) URL.
db::PgConnPtr connect_or_throw(const std::string& url);

// The first column of every row `sql` returns on `conn` (NULL as ""). Throws std::runtime_error
// with the statement and PostgreSQL's message when it fails.
std::vector<std::string> first_column(PGconn* conn, const std::string& sql, std::initializer_list<std::string> params);

// Terminates every backend opened under `application_name` on the test cluster (as the superuser
// of COFFEEHOUSE_TEST_ADMIN_URL) and waits until they are gone, as a PostgreSQL restart or an
// operator's pg_terminate_backend would; returns how many there were. Tests that run meanwhile
// use other names and keep their connections.
int terminate_backends_of(const std::string& application_name);

}  // namespace coffeehouse::testing
