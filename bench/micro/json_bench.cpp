// Responses from documents: PostgreSQL builds the JSON text (json_build_object, json_agg) and the
// service copies it from the PGresult into the response body, for one user (GET /users/{id}) and
// a page of users (GET /users?country=). Before documents came from the database, this was where
// each column was parsed into Boost.JSON values and serialized again.
#include "db/rows.hpp"
#include "net/http.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace coffeehouse::db {
namespace {

// A one-column PGresult built in memory, holding `document` as PostgreSQL would send it.
Rows document_row(const std::string& document) {
  PgResultPtr result(PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK));
  PGresAttDesc column{const_cast<char*>("json_build_object"), 0, 0, 0, 114, -1, -1};  // json
  PQsetResultAttrs(result.get(), 1, &column);
  PQsetvalue(result.get(), 0, 0, const_cast<char*>(document.c_str()), static_cast<int>(document.size()));
  return Rows(std::move(result));
}

const std::string user_document =
    R"({"id" : 48213, "name" : "Margarita", "surname" : "Ivanova", "patronomic" : null, "has_sale" : true, )"
    R"("address" : {"city": "Lake Amadoton", "country": "United States", "street_name": "Schaden Loaf", )"
    R"("zip_code": "17620-3721", "latitude": -7.6590285039183925, "longitude": 179.99999999999997}, )"
    R"("coffee" : {"id" : 731, "title" : "Bluebery Mug", "origin" : "Huila, Colombia", "intensifier" : "bright", )"
    R"("notes" : ["cherry","molasses","lemon"]}})";

void respond_with(benchmark::State& state, const std::string& document) {
  const auto rows = document_row(document);
  for (auto _ : state) {
    auto response = net::json_text_response(net::http::status::ok, std::string(rows.text(0, 0)));
    benchmark::DoNotOptimize(response.body().data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(document.size()));
}

void one_user(benchmark::State& state) { respond_with(state, user_document); }
BENCHMARK(one_user);

void page_of_users(benchmark::State& state) {
  std::string page = R"({"users" : [)";
  for (std::int64_t index = 0; index < state.range(0); ++index) page += (index == 0 ? "" : ", ") + user_document;
  page += R"(], "next_after_id" : null})";
  respond_with(state, page);
}
BENCHMARK(page_of_users)->Arg(20)->Arg(333);

}  // namespace
}  // namespace coffeehouse::db
