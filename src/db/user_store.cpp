#include "db/user_store.hpp"

#include "db/coffee_document.hpp"

namespace coffeehouse::db {

using boost::asio::awaitable;

namespace {

// Every statement that returns users selects these columns, in this order (user_document reads
// them): the user, then its coffee's (NULL when it has none). address is a json column.
#define COFFEEHOUSE_USER_COLUMNS \
  "u.id, u.name, u.surname, u.patronomic, u.has_sale, u.address, " COFFEEHOUSE_COFFEE_COLUMNS("c")
constexpr int coffee_first_column = 6;

}  // namespace

// {"id","name","surname","patronomic","has_sale","address","coffee"}: the address copied as
// stored, the coffee embedded or null.
void append_user_document(std::string& out, const Rows& rows, int row) {
  out += "{\"id\":";
  out += rows.text(row, 0);
  out += ",\"name\":";
  append_json_string(out, rows.text(row, 1));
  out += ",\"surname\":";
  append_json_string_or_null(out, rows.optional_text(row, 2));
  out += ",\"patronomic\":";
  append_json_string_or_null(out, rows.optional_text(row, 3));
  out += ",\"has_sale\":";
  append_json_boolean_or_null(out, rows.optional_text(row, 4));
  out += ",\"address\":";
  append_json_or_null(out, rows.optional_text(row, 5));
  out += ",\"coffee\":";
  if (rows.is_null(row, coffee_first_column)) {
    out += "null";
  } else {
    append_coffee_document(out, rows, row, coffee_first_column);
  }
  out += '}';
}

namespace user_statements {

// $1 id.
const StatementSpec by_id{"user_by_id", "SELECT " COFFEEHOUSE_USER_COLUMNS
                                        " FROM users u LEFT JOIN coffee c ON c.id = u.coffee_id WHERE u.id = $1"};

// $1 country, $2 after_id, $3 limit. Keyset pagination over (lower(country), id), served by
// users_country_id_idx. The page is taken before the join: joined first, the planner sizes the
// coffee lookup for every user of the country (10,000 for Germany at 100,000 users) and puts a
// Memoize cache in front of it, whose hash table is allocated and zeroed per query for the 20
// rows of a page. Limited first, the join sees the page alone and looks up its coffees directly:
// the same rows in the same order, 15-23 % less PostgreSQL CPU per query, and a third less growth
// with the backends in use (docs/performance.md).
const StatementSpec by_country{"users_by_country",
                               "SELECT " COFFEEHOUSE_USER_COLUMNS
                               " FROM (SELECT * FROM users WHERE lower(address->>'country') = lower($1) AND id > $2 "
                               "ORDER BY id LIMIT $3) u LEFT JOIN coffee c ON c.id = u.coffee_id ORDER BY u.id"};

// $1 name, $2 surname, $3 patronomic, $4 has_sale, $5 a JSON document whose "address" member
// is stored, $6 coffee_id. Without a coffee_id the user gets a random coffee: a random point
// between min(id) and max(id), then the next existing id. Both lookups use the primary key, so
// the cost does not grow with the table (ORDER BY random() would scan it).
const StatementSpec insert{"insert_user",
                           "WITH chosen_coffee AS ("
                           "  SELECT CASE WHEN $6::integer IS NOT NULL THEN $6::integer ELSE ("
                           "    SELECT id FROM coffee WHERE id >= ("
                           "      SELECT min(id) + floor(random() * (max(id) - min(id) + 1))::integer FROM coffee)"
                           "    ORDER BY id LIMIT 1) END AS id"
                           "), new_user AS ("
                           "  INSERT INTO users (name, surname, patronomic, has_sale, address, coffee_id)"
                           "  SELECT $1, $2, $3, $4, $5::json -> 'address', id FROM chosen_coffee"
                           "  RETURNING *"
                           ") SELECT " COFFEEHOUSE_USER_COLUMNS
                           " FROM new_user u LEFT JOIN coffee c ON c.id = u.coffee_id"};

}  // namespace user_statements

awaitable<Result<std::optional<JsonText>>> UserStore::find(std::int64_t id) {
  const auto rows = co_await reads_.lookup(user_statements::by_id, Params().add(id));
  co_return first_row_document(rows, append_user_document);
}

awaitable<Result<JsonText>> UserStore::page_by_country(std::string_view country, std::int64_t after_id,
                                                       std::int64_t limit) {
  const auto rows = co_await reads_.query(user_statements::by_country, Params().add(country).add(after_id).add(limit));
  if (!rows) co_return rows.error();
  JsonText page;
  // One allocation for the page (hundreds of KiB at limit=1000), not one per doubling.
  page.text.reserve(rows->text_bytes() + static_cast<std::size_t>(rows->size()) * 160 + 64);
  page.text = "{\"users\":[";
  for (int row = 0; row < rows->size(); ++row) {
    if (row > 0) page.text += ',';
    append_user_document(page.text, *rows, row);
  }
  // A full page may have a successor; the client continues from the last id it saw.
  page.text += "],\"next_after_id\":";
  page.text += rows->size() == limit && limit > 0 ? rows->text(rows->size() - 1, 0) : "null";
  page.text += '}';
  co_return page;
}

awaitable<Result<CreatedUser>> UserStore::insert(const NewUser& user) {
  Params params;
  params.add(std::string_view(user.name)).add(user.surname).add(user.patronomic).add(user.has_sale);
  params.add(user.body_with_address).add(user.coffee_id);
  const auto rows = co_await primary_.execute(user_statements::insert, params);
  if (!rows) co_return rows.error();
  CreatedUser created{rows->integer(0, 0), {}};
  append_user_document(created.document.text, *rows, 0);
  co_return created;
}

#undef COFFEEHOUSE_USER_COLUMNS

}  // namespace coffeehouse::db
