// GET /openapi.json and GET /docs: the API's description, as a document and as a page.
#include "handlers/api_assets.hpp"
#include "handlers/routes.hpp"

namespace coffeehouse::handlers {

namespace {

net::Response asset_response(std::string_view content_type, std::string_view body) {
  net::Response response{net::http::status::ok, 11};
  response.set(net::http::field::content_type, content_type);
  // The same bytes for the life of the binary.
  response.set(net::http::field::cache_control, "public, max-age=300");
  response.body() = std::string(body);
  response.prepare_payload();
  return response;
}

}  // namespace

void add_api_docs_routes(net::Router& router) {
  router.add(net::http::verb::get, "/openapi.json",
             [](const net::RequestContext&) -> boost::asio::awaitable<net::Response> {
               co_return asset_response("application/json", api_assets::openapi_json);
             });
  router.add(net::http::verb::get, "/docs", [](const net::RequestContext&) -> boost::asio::awaitable<net::Response> {
    co_return asset_response("text/html; charset=utf-8", api_assets::docs_html);
  });
}

}  // namespace coffeehouse::handlers
