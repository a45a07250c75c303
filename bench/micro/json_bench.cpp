// JSON rendering: rows as libpq returns them (text format) to the response body, for one user
// (GET /users/{id}), a page of users (GET /users?country=) and a list of coffees (search).
#include "db/query_result.hpp"
#include "db/statements.hpp"
#include "handlers/representations.hpp"
#include "net/http.hpp"

#include <benchmark/benchmark.h>
#include <boost/json/array.hpp>

#include <string>
#include <vector>

namespace coffeehouse::handlers {
namespace {

// A PGresult built in memory, shaped like the service's statements' results.
db::Rows rows_of(const std::vector<const char*>& names, const std::vector<std::vector<const char*>>& values) {
  db::PgResultPtr result(PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK));
  std::vector<PGresAttDesc> columns(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    columns[i] = PGresAttDesc{const_cast<char*>(names[i]), 0, 0, 0, 25, -1, -1};  // text
  }
  PQsetResultAttrs(result.get(), static_cast<int>(columns.size()), columns.data());
  for (std::size_t row = 0; row < values.size(); ++row) {
    for (std::size_t column = 0; column < values[row].size(); ++column) {
      const char* value = values[row][column];
      PQsetvalue(result.get(), static_cast<int>(row), static_cast<int>(column), const_cast<char*>(value),
                 value == nullptr ? -1 : static_cast<int>(std::char_traits<char>::length(value)));
    }
  }
  return db::Rows(std::move(result));
}

const std::vector<const char*> user_row{
    "48213", "Margarita", "Ivanova", nullptr, "t",
    R"({"city": "Lake Amadoton", "country": "United States", "street_name": "Schaden Loaf", "zip_code": "17620-3721", "coordinates": {"lat": 12.13, "lng": -130.51}})",
    "731", "Bluebery Mug", "Huila, Colombia", "bright", R"(["cherry","molasses","lemon"])"};
const std::vector<const char*> coffee_row{"731", "Bluebery Mug", "Huila, Colombia", "bright",
                                          R"(["cherry","molasses","lemon"])"};
const std::vector<const char*> user_columns{"id", "name", "surname", "patronomic", "has_sale", "address",
                                            "id", "title", "origin", "intensifier", "to_json"};
const std::vector<const char*> coffee_columns{"id", "title", "origin", "intensifier", "to_json"};

void one_user(benchmark::State& state) {
  const auto rows = rows_of(user_columns, {user_row});
  for (auto _ : state) {
    auto response = net::json_response(net::http::status::ok, user_json(rows, 0));
    benchmark::DoNotOptimize(response.body().data());
  }
}
BENCHMARK(one_user);

void page_of_users(benchmark::State& state) {
  const auto rows = rows_of(user_columns, std::vector(static_cast<std::size_t>(state.range(0)), user_row));
  for (auto _ : state) {
    boost::json::array users;
    for (int row = 0; row < rows.size(); ++row) users.push_back(user_json(rows, row));
    auto response = net::json_response(net::http::status::ok,
                                       boost::json::object{{"users", std::move(users)}, {"next_after_id", nullptr}});
    benchmark::DoNotOptimize(response.body().data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(page_of_users)->Arg(20)->Arg(100);

void list_of_coffees(benchmark::State& state) {
  const auto rows = rows_of(coffee_columns, std::vector(static_cast<std::size_t>(state.range(0)), coffee_row));
  for (auto _ : state) {
    boost::json::array found;
    for (int row = 0; row < rows.size(); ++row) found.push_back(coffee_json(rows, row, 0));
    auto response = net::json_response(net::http::status::ok, found);
    benchmark::DoNotOptimize(response.body().data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(list_of_coffees)->Arg(50);

}  // namespace
}  // namespace coffeehouse::handlers
