// handlers/request_parsing: query parameters and path ids, as the handlers read them. The input
// is a raw query string (and, percent-decoded by Boost.URL, a path capture).
#include "offline_app.hpp"

#include "handlers/request_parsing.hpp"

#include <boost/url/parse.hpp>

#include <cstdint>

namespace {

using coffeehouse::fuzz::require;
using coffeehouse::handlers::is_response;
using coffeehouse::handlers::OrResponse;

template <class T>
void require_400_if_refused(const OrResponse<T>& result) {
  if (!is_response(result)) return;
  const auto& response = std::get<coffeehouse::net::Response>(result);
  require(response.result_int() == 400, "a refused parameter is not 400");
  coffeehouse::fuzz::require_api_answer(response);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace handlers = coffeehouse::handlers;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto text = "/fuzz?" + std::string(input);
  const auto target = boost::urls::parse_origin_form(text);  // a view into `text`
  if (!target) return 0;                                     // the router answers 400 before any handler sees it

  coffeehouse::net::Request request{coffeehouse::net::http::verb::get, "/fuzz", 11};
  coffeehouse::net::RequestContext context{request, "/fuzz/{id}", {}, target->params()};
  for (const auto& param : target->params()) {
    if (param.key == "id") context.path.emplace_back("id", param.value);
  }

  for (const auto* name : {"country", "title"}) {
    const auto found = handlers::single_query_param(context, name);
    require_400_if_refused(found);
    if (!is_response(found)) {
      const auto& value = std::get<std::optional<std::string>>(found);
      require(!value || value->find('\0') == std::string::npos, "a NUL would reach libpq, which cuts it short");
    }
  }
  for (const auto& [name, min, max] : {std::tuple{"limit", 1, 1000}, std::tuple{"after_id", 0, 2147483647}}) {
    const auto number = handlers::integer_query_param(context, name, min, min, max);
    require_400_if_refused(number);
    if (!is_response(number)) {
      const auto value = std::get<std::int64_t>(number);
      require(value >= min && value <= max, "an integer parameter outside its range");
    }
  }
  const auto id = handlers::parse_path_id(context, "id");
  require_400_if_refused(id);
  if (!is_response(id)) require(std::get<std::int64_t>(id) >= 0, "a negative path id");
  return 0;
}
