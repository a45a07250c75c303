#pragma once
// Settings scripts/test hands to the tests. A missing one fails the test loudly: the suite
// never skips what it cannot reach.
#include <string>

namespace coffeehouse::testing {

// Value of a required environment variable; fails the current test (and throws) when unset.
std::string required_env(const char* name);

// The application role's URL to the migrated test database.
inline std::string database_url() { return required_env("COFFEEHOUSE_TEST_DATABASE_URL"); }
// The same role and database through PgBouncer in transaction pooling (scripts/test starts it).
inline std::string pgbouncer_url() { return required_env("COFFEEHOUSE_TEST_PGBOUNCER_URL"); }

std::string versions_dir();

// A database URL nothing listens on: a command that reports an input error with it has
// provably not touched any database, and a service on it answers what needs none.
inline constexpr const char* unreachable_database_url = "postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=2";

// `url` (a libpq URI or key=value string) that identifies itself as `name` in pg_stat_activity.
std::string with_application_name(const std::string& url, const std::string& name);

// `value` quoted for a libpq key=value connection string.
std::string quoted_conninfo_value(const std::string& value);

// Lowercase letters only, so PostgreSQL's text search keeps it as one word.
std::string unique_word(std::size_t length = 12);

}  // namespace coffeehouse::testing
