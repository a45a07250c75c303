// Documents from rows as libpq returns them (text format): one user (GET /users/{id}) and a page
// of users (GET /users?country=), written as text with the stored address copied as it is —
// what replaced parsing every column into Boost.JSON values and serializing them again.
#include "db/user_store.hpp"
#include "net/http.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace coffeehouse::db {
namespace {

// A PGresult built in memory, shaped like the users statements' results (user_statements).
Rows user_rows(std::size_t count) {
  static const std::vector<const char*> user_row{
      "48213",
      "Margarita",
      "Ivanova",
      nullptr,
      "t",
      R"({"city": "Lake Amadoton", "country": "United States", "street_name": "Schaden Loaf", "zip_code": "17620-3721", "latitude": -7.6590285039183925, "longitude": 179.99999999999997})",
      "731",
      "Bluebery Mug",
      "Huila, Colombia",
      "bright",
      R"(["cherry","molasses","lemon"])"};
  PgResultPtr result(PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK));
  std::vector<PGresAttDesc> columns(user_row.size());
  for (auto& column : columns) column = PGresAttDesc{const_cast<char*>("column"), 0, 0, 0, 25, -1, -1};  // text
  PQsetResultAttrs(result.get(), static_cast<int>(columns.size()), columns.data());
  for (std::size_t row = 0; row < count; ++row) {
    for (std::size_t column = 0; column < user_row.size(); ++column) {
      const char* value = user_row[column];
      PQsetvalue(result.get(), static_cast<int>(row), static_cast<int>(column), const_cast<char*>(value),
                 value == nullptr ? -1 : static_cast<int>(std::char_traits<char>::length(value)));
    }
  }
  return Rows(std::move(result));
}

void one_user(benchmark::State& state) {
  const auto rows = user_rows(1);
  for (auto _ : state) {
    std::string document;
    append_user_document(document, rows, 0);
    auto response = net::json_text_response(net::http::status::ok, std::move(document));
    benchmark::DoNotOptimize(response.body().data());
  }
}
BENCHMARK(one_user);

void page_of_users(benchmark::State& state) {
  const auto rows = user_rows(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::string page = R"({"users":[)";
    for (int row = 0; row < rows.size(); ++row) {
      if (row > 0) page += ',';
      append_user_document(page, rows, row);
    }
    page += R"(],"next_after_id":null})";
    auto response = net::json_text_response(net::http::status::ok, std::move(page));
    benchmark::DoNotOptimize(response.body().data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(page_of_users)->Arg(20)->Arg(333);

}  // namespace
}  // namespace coffeehouse::db
