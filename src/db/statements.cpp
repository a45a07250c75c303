#include "db/statements.hpp"

#include <array>

namespace coffeehouse::db {
namespace {

// A user row is followed by its coffee's columns (NULL when it has none); notes come back as
// JSON text so the C++ side needs no PostgreSQL array parser.
#define COFFEEHOUSE_USER_SELECT                                                              \
  "SELECT u.id, u.name, u.surname, u.patronomic, u.has_sale, u.address, "                    \
  "c.id, c.title, c.origin, c.intensifier, to_json(c.notes) "

constexpr auto statements = std::to_array<StatementSpec>({
    {Statement::ping, "ping", "SELECT 1"},
    // Byte order, as head_revisions() sorts: /readyz compares the two lists.
    {Statement::schema_versions, "schema_versions",
     "SELECT version_num FROM alembic_version ORDER BY version_num COLLATE \"C\""},
    {Statement::user_by_id, "user_by_id",
     COFFEEHOUSE_USER_SELECT "FROM users u LEFT JOIN coffee c ON c.id = u.coffee_id WHERE u.id = $1"},
    // Keyset pagination over (lower(country), id), served by users_country_id_idx.
    {Statement::users_by_country, "users_by_country",
     COFFEEHOUSE_USER_SELECT
     "FROM users u LEFT JOIN coffee c ON c.id = u.coffee_id "
     "WHERE lower(u.address->>'country') = lower($1) AND u.id > $2 "
     "ORDER BY u.id LIMIT $3"},
    // Without a coffee_id the user gets a random coffee: a random point between min(id) and
    // max(id), then the next existing id. Both lookups use the primary key, so the cost does not
    // grow with the table (ORDER BY random() would scan it).
    {Statement::insert_user, "insert_user",
     "WITH chosen_coffee AS ("
     "  SELECT CASE WHEN $6::integer IS NOT NULL THEN $6::integer ELSE ("
     "    SELECT id FROM coffee WHERE id >= ("
     "      SELECT min(id) + floor(random() * (max(id) - min(id) + 1))::integer FROM coffee)"
     "    ORDER BY id LIMIT 1) END AS id"
     "), new_user AS ("
     "  INSERT INTO users (name, surname, patronomic, has_sale, address, coffee_id)"
     "  SELECT $1, $2, $3, $4, $5::json, id FROM chosen_coffee"
     "  RETURNING *"
     ") " COFFEEHOUSE_USER_SELECT "FROM new_user u LEFT JOIN coffee c ON c.id = u.coffee_id"},
    {Statement::coffee_by_id, "coffee_by_id",
     "SELECT id, title, origin, intensifier, to_json(notes) FROM coffee WHERE id = $1"},
    // title_tsv is to_tsvector('english', title), stored (coffee_title_tsv_idx): every match is
    // ranked, and reading the stored vector is ~3x cheaper than parsing the title again.
    {Statement::search_coffee, "search_coffee",
     "SELECT c.id, c.title, c.origin, c.intensifier, to_json(c.notes) "
     "FROM coffee c, websearch_to_tsquery('english', $1) AS query "
     "WHERE c.title_tsv @@ query "
     "ORDER BY ts_rank(c.title_tsv, query) DESC, c.id LIMIT $2"},
    // coffee_note is kept by triggers (schema/versions/5e7f9a1b3c5d): a few dozen rows, however many
    // coffees. Its "C" collation is code-point order, whatever locale the cluster was made with.
    {Statement::coffee_notes, "coffee_notes", "SELECT note FROM coffee_note ORDER BY note"},
    {Statement::begin_transaction, "begin_transaction", "BEGIN"},
    {Statement::commit_transaction, "commit_transaction", "COMMIT"},
    {Statement::rollback_transaction, "rollback_transaction", "ROLLBACK"},
    // Seeding happens once per database, not per process: concurrent starters queue on this
    // transaction-scoped lock and re-check emptiness once they hold it.
    {Statement::lock_seeding, "lock_seeding", "SELECT pg_advisory_xact_lock(7361058290)"},
    {Statement::tables_are_empty, "tables_are_empty",
     "SELECT NOT EXISTS (SELECT 1 FROM coffee) AND NOT EXISTS (SELECT 1 FROM users)"},
    // All coffees and users in one statement, so a seed is stored whole or not at all. $1 is a
    // JSON array of coffees, $2 of users whose coffee_index points into $1.
    {Statement::insert_seed_data, "insert_seed_data",
     "WITH new_coffee AS ("
     "  INSERT INTO coffee (title, origin, intensifier, notes)"
     "  SELECT c.title, c.origin, c.intensifier, c.notes"
     "  FROM ROWS FROM (json_to_recordset($1::json)"
     "    AS (title varchar, origin varchar, intensifier varchar, notes varchar[]))"
     "    WITH ORDINALITY AS c(title, origin, intensifier, notes, position)"
     "  ORDER BY c.position"
     "  RETURNING id"
     "), numbered_coffee AS ("
     "  SELECT id, row_number() OVER (ORDER BY id) - 1 AS coffee_index FROM new_coffee"
     "), new_users AS ("
     "  INSERT INTO users (name, has_sale, address, coffee_id)"
     "  SELECT u.name, u.has_sale, u.address, n.id"
     "  FROM json_to_recordset($2::json) AS u(name varchar, has_sale boolean, address json, coffee_index bigint)"
     "  LEFT JOIN numbered_coffee n USING (coffee_index)"
     "  RETURNING id"
     ") SELECT (SELECT count(*) FROM new_coffee), (SELECT count(*) FROM new_users)"},
    {Statement::bench_sleep, "bench_sleep", "SELECT pg_sleep($1::double precision / 1000)"},
    // Run once per connection after preparing: the server cancels any statement that runs longer
    // (SQLSTATE 57014), which leaves the connection idle and usable.
    {Statement::configure_session, "configure_session",
     "SELECT set_config('statement_timeout', $1::text, false)"},
});

constexpr bool specs_follow_enum_order() {
  for (std::size_t index = 0; index < statements.size(); ++index) {
    if (static_cast<std::size_t>(statements[index].id) != index) return false;
  }
  return statements.size() == static_cast<std::size_t>(Statement::configure_session) + 1;
}
static_assert(specs_follow_enum_order(), "spec(id) indexes the table: one entry per Statement, in enum order");

#undef COFFEEHOUSE_USER_SELECT

}  // namespace

std::span<const StatementSpec> all_statements() noexcept { return statements; }

const StatementSpec& spec(Statement statement) noexcept {
  return statements[static_cast<std::size_t>(statement)];
}

}  // namespace coffeehouse::db
