#include "db/coffee_store.hpp"

#include "db/documents_sql.hpp"

namespace coffeehouse::db {

using boost::asio::awaitable;

namespace coffee_statements {

// $1 id.
const StatementSpec by_id{"coffee_by_id", "SELECT " COFFEEHOUSE_COFFEE_DOCUMENT("c") " FROM coffee c WHERE c.id = $1"};

// $1 words, $2 limit. title_tsv is to_tsvector('english', title), stored (coffee_title_tsv_idx):
// every match is ranked, and reading the stored vector is ~3x cheaper than parsing the title again.
// Documents are built outside the ranked subquery, so only for the rows the limit keeps.
const StatementSpec search{
    "search_coffee",
    "SELECT coalesce(json_agg(" COFFEEHOUSE_COFFEE_DOCUMENT("c") " ORDER BY c.rank DESC, c.id), '[]'::json) "
    "FROM (SELECT c.id, c.title, c.origin, c.intensifier, c.notes, ts_rank(c.title_tsv, query) AS rank "
    "FROM coffee c, websearch_to_tsquery('english', $1) AS query "
    "WHERE c.title_tsv @@ query "
    "ORDER BY rank DESC, c.id LIMIT $2) AS c"};

// coffee_note is kept by triggers (schema/versions/5e7f9a1b3c5d): a few dozen rows, however many
// coffees. Its "C" collation is code-point order, whatever locale the cluster was made with.
const StatementSpec notes{"coffee_notes", "SELECT coalesce(json_agg(note ORDER BY note), '[]'::json) FROM coffee_note"};

}  // namespace coffee_statements

awaitable<Result<std::optional<JsonText>>> CoffeeStore::find(std::int64_t id) {
  auto rows = co_await pool_.execute(coffee_statements::by_id, Params().add(id));
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return std::optional<JsonText>{};
  co_return std::optional<JsonText>{JsonText{std::string(rows->text(0, 0))}};
}

awaitable<Result<JsonText>> CoffeeStore::search(std::string_view words, std::int64_t limit) {
  auto rows = co_await pool_.execute(coffee_statements::search, Params().add(words).add(limit));
  if (!rows) co_return rows.error();
  co_return JsonText{std::string(rows->text(0, 0))};
}

awaitable<Result<JsonText>> CoffeeStore::notes() {
  auto rows = co_await pool_.execute(coffee_statements::notes, {});
  if (!rows) co_return rows.error();
  co_return JsonText{std::string(rows->text(0, 0))};
}

}  // namespace coffeehouse::db
