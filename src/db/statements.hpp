#pragma once
// Every statement the service runs, in one place. Each is prepared once per connection
// under its name; handlers refer to them by id and pass parameters separately.
#include <span>
#include <cstdint>
#include <string_view>

namespace coffeehouse::db {

enum class Statement : std::uint8_t {
  ping,
  schema_versions,
  user_by_id,
  users_by_country,
  insert_user,
  coffee_by_id,
  search_coffee,
  coffee_notes,
  begin_transaction,
  commit_transaction,
  rollback_transaction,
  lock_seeding,
  tables_are_empty,
  insert_seed_data,
  bench_sleep,
  configure_session,
};

struct StatementSpec {
  Statement id;
  std::string_view name;
  std::string_view sql;
};

// Column layout shared by every statement that returns users (see statements.cpp).
namespace user_columns {
inline constexpr int id = 0, name = 1, surname = 2, patronomic = 3, has_sale = 4, address = 5, coffee = 6;
}
// Column layout of a coffee, starting at a given offset.
namespace coffee_columns {
inline constexpr int id = 0, title = 1, origin = 2, intensifier = 3, notes_json = 4;
}

std::span<const StatementSpec> all_statements() noexcept;
const StatementSpec& spec(Statement statement) noexcept;

}  // namespace coffeehouse::db
