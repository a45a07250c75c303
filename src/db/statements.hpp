#pragma once
// A statement the service runs: its SQL text, and the name it is prepared under on every
// connection. Each one is defined beside the only code that runs it (a store, the session
// set-up, transactions) and listed in all_statements(), which the drivers prepare on connect
// (with --db-prepared-statements off nothing is prepared: the text goes with every run).
// Parameters always travel apart from the SQL text.
#include <cstdint>
#include <span>
#include <string_view>

namespace coffeehouse::db {

// What running the statement does to the session's transaction. Connections track it: a
// statement inside a transaction is never retried (its failure aborted the transaction), and
// per-transaction settings go with the statement that starts one.
enum class TransactionEffect : std::uint8_t { none, begins, ends };

struct StatementSpec {
  std::string_view name;  // NUL-terminated: the literals they are defined from
  std::string_view sql;   // NUL-terminated
  TransactionEffect transaction = TransactionEffect::none;
};

// Every statement, each once, in the order connections prepare them.
std::span<const StatementSpec* const> all_statements() noexcept;

// The statement called `name`, or null.
const StatementSpec* find_statement(std::string_view name) noexcept;

}  // namespace coffeehouse::db
