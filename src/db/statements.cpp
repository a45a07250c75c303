#include "db/statements.hpp"

#include "db/bench_store.hpp"
#include "db/coffee_store.hpp"
#include "db/connection.hpp"
#include "db/read_routing.hpp"
#include "db/schema_store.hpp"
#include "db/seed_store.hpp"
#include "db/transaction.hpp"
#include "db/user_store.hpp"

#include <array>

namespace coffeehouse::db {
namespace {

// Addresses only: the statements themselves are defined beside the code that runs them.
constexpr std::array<const StatementSpec*, 17> statements{
    &ping,
    &schema_statements::applied_revisions,
    &user_statements::by_id,
    &user_statements::by_country,
    &user_statements::insert,
    &coffee_statements::by_id,
    &coffee_statements::search,
    &coffee_statements::notes,
    &transaction_statements::begin,
    &transaction_statements::commit,
    &transaction_statements::rollback,
    &seed_statements::lock,
    &seed_statements::tables_are_empty,
    &seed_statements::insert,
    &bench_statements::sleep,
    &configure_session,
    &replica_statements::lag,
};

}  // namespace

std::span<const StatementSpec* const> all_statements() noexcept { return statements; }

const StatementSpec* find_statement(std::string_view name) noexcept {
  for (const auto* statement : statements) {
    if (statement->name == name) return statement;
  }
  return nullptr;
}

}  // namespace coffeehouse::db
