#include "db/user_store.hpp"

#include "db/documents_sql.hpp"

namespace coffeehouse::db {

using boost::asio::awaitable;

namespace user_statements {

// $1 id.
const StatementSpec by_id{
    "user_by_id",
    "SELECT " COFFEEHOUSE_USER_DOCUMENT("u", "c") " FROM users u LEFT JOIN coffee c ON c.id = u.coffee_id WHERE u.id = $1"};

// $1 country, $2 after_id, $3 limit. Keyset pagination over (lower(country), id), served by
// users_country_id_idx; the page is aggregated in id order into the whole response document.
const StatementSpec by_country{
    "users_by_country",
    "SELECT json_build_object('users', coalesce(json_agg(page.document ORDER BY page.id), '[]'::json), "
    "'next_after_id', CASE WHEN count(*) = $3 THEN max(page.id) END) "
    "FROM (SELECT u.id, " COFFEEHOUSE_USER_DOCUMENT("u", "c") " AS document "
    "FROM users u LEFT JOIN coffee c ON c.id = u.coffee_id "
    "WHERE lower(u.address->>'country') = lower($1) AND u.id > $2 "
    "ORDER BY u.id LIMIT $3) AS page"};

// $1 name, $2 surname, $3 patronomic, $4 has_sale, $5 a JSON document whose "address" member
// is stored, $6 coffee_id. Without a coffee_id the user gets a random coffee: a random point
// between min(id) and max(id), then the next existing id. Both lookups use the primary key, so
// the cost does not grow with the table (ORDER BY random() would scan it).
const StatementSpec insert{
    "insert_user",
    "WITH chosen_coffee AS ("
    "  SELECT CASE WHEN $6::integer IS NOT NULL THEN $6::integer ELSE ("
    "    SELECT id FROM coffee WHERE id >= ("
    "      SELECT min(id) + floor(random() * (max(id) - min(id) + 1))::integer FROM coffee)"
    "    ORDER BY id LIMIT 1) END AS id"
    "), new_user AS ("
    "  INSERT INTO users (name, surname, patronomic, has_sale, address, coffee_id)"
    "  SELECT $1, $2, $3, $4, $5::json -> 'address', id FROM chosen_coffee"
    "  RETURNING *"
    ") SELECT u.id, " COFFEEHOUSE_USER_DOCUMENT("u", "c") " FROM new_user u LEFT JOIN coffee c ON c.id = u.coffee_id"};

}  // namespace user_statements

awaitable<Result<std::optional<JsonText>>> UserStore::find(std::int64_t id) {
  auto rows = co_await pool_.execute(user_statements::by_id, Params().add(id));
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return std::optional<JsonText>{};
  co_return std::optional<JsonText>{JsonText{std::string(rows->text(0, 0))}};
}

awaitable<Result<JsonText>> UserStore::page_by_country(std::string_view country, std::int64_t after_id,
                                                       std::int64_t limit) {
  auto rows = co_await pool_.execute(user_statements::by_country, Params().add(country).add(after_id).add(limit));
  if (!rows) co_return rows.error();
  co_return JsonText{std::string(rows->text(0, 0))};
}

awaitable<Result<CreatedUser>> UserStore::insert(const NewUser& user) {
  Params params;
  params.add(std::string_view(user.name)).add(user.surname).add(user.patronomic).add(user.has_sale);
  params.add(user.body_with_address).add(user.coffee_id);
  auto rows = co_await pool_.execute(user_statements::insert, params);
  if (!rows) co_return rows.error();
  co_return CreatedUser{rows->integer(0, 0), JsonText{std::string(rows->text(0, 1))}};
}

}  // namespace coffeehouse::db
