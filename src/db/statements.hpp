#pragma once
// A statement the service runs: its SQL text, and the name it is prepared under on every
// connection. Each one is defined beside the only code that runs it (a store, the session
// set-up, transactions) and listed in all_statements(), which the drivers prepare on connect.
// Parameters always travel apart from the SQL text.
#include <span>
#include <string_view>

namespace coffeehouse::db {

struct StatementSpec {
  std::string_view name;
  std::string_view sql;
};

// Every statement, each once, in the order connections prepare them.
std::span<const StatementSpec* const> all_statements() noexcept;

// The statement called `name`, or null.
const StatementSpec* find_statement(std::string_view name) noexcept;

}  // namespace coffeehouse::db
