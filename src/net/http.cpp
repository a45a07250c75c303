#include "net/http.hpp"

#include <boost/json/serialize.hpp>

namespace coffeehouse::net {

Response json_response(http::status status, const boost::json::value& body) {
  return json_text_response(status, boost::json::serialize(body));
}

Response json_text_response(http::status status, std::string body) {
  Response response{status, 11};
  response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response error_response(http::status status, std::string_view code, std::string_view message) {
  return json_response(status, boost::json::object{{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace coffeehouse::net
