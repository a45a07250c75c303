#include "db/statements.hpp"

namespace coffeehouse::db {
namespace {

// A user row is followed by its coffee's columns (NULL when it has none); notes come back as
// JSON text so the C++ side needs no PostgreSQL array parser.
#define COFFEEHOUSE_USER_SELECT                                                              \
  "SELECT u.id, u.name, u.surname, u.patronomic, u.has_sale, u.address, "                    \
  "c.id, c.title, c.origin, c.intensifier, to_json(c.notes) "

constexpr std::array<StatementSpec, 8> statements{{
    {Statement::ping, "ping", "SELECT 1"},
    {Statement::schema_versions, "schema_versions",
     "SELECT version_num FROM alembic_version ORDER BY version_num"},
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
    // The tsvector expression matches coffee_title_fts_idx exactly, so the GIN index is used.
    {Statement::search_coffee, "search_coffee",
     "SELECT c.id, c.title, c.origin, c.intensifier, to_json(c.notes) "
     "FROM coffee c, websearch_to_tsquery('english', $1) AS query "
     "WHERE to_tsvector('english', c.title) @@ query "
     "ORDER BY ts_rank(to_tsvector('english', c.title), query) DESC, c.id LIMIT $2"},
    // Code-point order, so the answer does not depend on the locale the cluster was made with.
    {Statement::coffee_notes, "coffee_notes",
     "SELECT DISTINCT note COLLATE \"C\" FROM coffee, unnest(notes) AS note WHERE note IS NOT NULL ORDER BY 1"},
}};

#undef COFFEEHOUSE_USER_SELECT

}  // namespace

const std::array<StatementSpec, 8>& all_statements() noexcept { return statements; }

const StatementSpec& spec(Statement statement) noexcept {
  return statements[static_cast<std::size_t>(statement)];
}

}  // namespace coffeehouse::db
