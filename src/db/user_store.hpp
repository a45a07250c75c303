#pragma once
// Users: the only code that knows the users statements, their parameters and what they return.
// Documents are written from the rows as text (db/json_text.hpp), so what a client stored in
// `address` (a json column, kept as sent) is served byte for byte: nothing passes through a double.
#include "db/json_text.hpp"
#include "db/pool.hpp"
#include "db/read_routing.hpp"
#include "db/result.hpp"
#include "db/statements.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coffeehouse::db {

struct NewUser {
  std::string name;
  std::optional<std::string> surname;
  std::optional<std::string> patronomic;
  std::optional<bool> has_sale;
  // The request body as the client sent it, when its "address" is an object: PostgreSQL takes
  // the address out of it (json -> 'address' keeps the text as written). Absent: no address.
  std::optional<std::string> body_with_address;
  std::optional<std::int64_t> coffee_id;  // absent: a random existing coffee
};

struct CreatedUser {
  std::int64_t id = 0;
  JsonText document;
};

class UserStore {
 public:
  // Writes go to `primary`; reads where `reads` sends them (a replica while it is healthy).
  UserStore(Pool& primary, ReadRouting& reads) noexcept : primary_(primary), reads_(reads) {}

  // {"id", "name", "surname", "patronomic", "has_sale", "address", "coffee"}, coffee embedded
  // or null; nullopt when no user has the id.
  boost::asio::awaitable<Result<std::optional<JsonText>>> find(std::int64_t id);

  // {"users": [...], "next_after_id": N|null}: users whose address.country equals `country`
  // case-insensitively, by id, after `after_id`; next_after_id is set when the page is full.
  boost::asio::awaitable<Result<JsonText>> page_by_country(std::string_view country, std::int64_t after_id,
                                                           std::int64_t limit);

  // ErrorKind::missing_reference when coffee_id names no coffee. On the primary.
  boost::asio::awaitable<Result<CreatedUser>> insert(const NewUser& user);

 private:
  Pool& primary_;
  ReadRouting& reads_;
};

// The document of row `row` of a statement that returns users (user_statements::*): what every
// user route answers. Public for the microbenchmarks (bench/micro/json_bench.cpp).
void append_user_document(std::string& out, const Rows& rows, int row);

namespace user_statements {
extern const StatementSpec by_id;
extern const StatementSpec by_country;
extern const StatementSpec insert;
}  // namespace user_statements

}  // namespace coffeehouse::db
