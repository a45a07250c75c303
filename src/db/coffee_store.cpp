#include "db/coffee_store.hpp"

#include "db/coffee_document.hpp"
#include "db/json_text.hpp"

namespace coffeehouse::db {

using boost::asio::awaitable;

namespace coffee_statements {

// $1 id.
const StatementSpec by_id{"coffee_by_id", "SELECT " COFFEEHOUSE_COFFEE_COLUMNS("c") " FROM coffee c WHERE c.id = $1"};

// $1 words, $2 limit. title_tsv is to_tsvector('english', title), stored (coffee_title_tsv_idx):
// every match is ranked, and reading the stored vector is ~3x cheaper than parsing the title again.
const StatementSpec search{"search_coffee",
                           "SELECT " COFFEEHOUSE_COFFEE_COLUMNS("c")
                           " FROM coffee c, websearch_to_tsquery('english', $1) AS query "
                           "WHERE c.title_tsv @@ query "
                           "ORDER BY ts_rank(c.title_tsv, query) DESC, c.id LIMIT $2"};

// coffee_note is kept by triggers (schema/versions/5e7f9a1b3c5d): a few dozen rows, however many
// coffees. Its "C" collation is code-point order, whatever locale the cluster was made with.
const StatementSpec notes{"coffee_notes", "SELECT note FROM coffee_note ORDER BY note"};

}  // namespace coffee_statements

awaitable<Result<std::optional<JsonText>>> CoffeeStore::find(std::int64_t id) {
  const auto rows = co_await reads_.lookup(coffee_statements::by_id, Params().add(id));
  co_return first_row_document(
      rows, [](std::string& out, const Rows& found, int row) { append_coffee_document(out, found, row, 0); });
}

awaitable<Result<JsonText>> CoffeeStore::search(std::string_view words, std::int64_t limit) {
  const auto rows = co_await reads_.query(coffee_statements::search, Params().add(words).add(limit));
  if (!rows) co_return rows.error();
  JsonText found{"["};
  for (int row = 0; row < rows->size(); ++row) {
    if (row > 0) found.text += ',';
    append_coffee_document(found.text, *rows, row, 0);
  }
  found.text += ']';
  co_return found;
}

awaitable<Result<JsonText>> CoffeeStore::notes() {
  const auto rows = co_await reads_.query(coffee_statements::notes, {});
  if (!rows) co_return rows.error();
  JsonText notes{"["};
  for (int row = 0; row < rows->size(); ++row) {
    if (row > 0) notes.text += ',';
    append_json_string(notes.text, rows->text(row, 0));
  }
  notes.text += ']';
  co_return notes;
}

}  // namespace coffeehouse::db
