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

std::string serialized_head(const Response& response) {
  std::string head;
  head.reserve(128);
  head += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(response.result_int());
  head += ' ';
  head += response.reason();
  head += "\r\n";
  for (const auto& field : response.base()) {
    head += field.name_string();
    head += ": ";
    head += field.value();
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

Response error_response(http::status status, std::string_view code, std::string_view message) {
  return json_response(status, boost::json::object{{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace coffeehouse::net
