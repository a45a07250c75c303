#include "net/http.hpp"

#include <boost/json/serialize.hpp>

namespace coffeehouse::net {

Response json_response(http::status status, const boost::json::value& body) {
  Response response{status, 11};
  response.set(http::field::content_type, "application/json");
  response.body() = boost::json::serialize(body);
  response.prepare_payload();
  return response;
}

Response error_response(http::status status, std::string_view code, std::string_view message) {
  return json_response(status, boost::json::object{{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace coffeehouse::net
