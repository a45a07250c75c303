// Request parsing: what the session does with the bytes of one keep-alive GET before routing
// (Beast's parser with the session's limits), and the query parameters a handler reads.
#include "net/http.hpp"

#include <benchmark/benchmark.h>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/url/parse.hpp>

#include <string_view>

namespace coffeehouse::net {
namespace {

constexpr std::string_view wrk_get =
    "GET /users/48213 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\n"
    "User-Agent: wrk\r\nAccept: */*\r\n\r\n";

void parse_request(benchmark::State& state) {
  for (auto _ : state) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(1024 * 1024);
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(wrk_get.data(), wrk_get.size()), ec);
    benchmark::DoNotOptimize(parser.is_done());
    auto request = parser.release();
    benchmark::DoNotOptimize(request.target().data());
  }
}
BENCHMARK(parse_request);

void query_parameters(benchmark::State& state) {
  const std::string_view target = "/users?country=United%20States&limit=20&after_id=100";
  for (auto _ : state) {
    const auto url = boost::urls::parse_origin_form(target);
    std::size_t found = 0;
    for (const auto& param : url->params()) found += param.value.size();
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(query_parameters);

}  // namespace
}  // namespace coffeehouse::net
