#pragma once
// The HTTP vocabulary shared by the server, the router and the handlers.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace coffeehouse::net {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// A JSON body with the right headers; keep-alive is decided later by the session.
Response json_response(http::status status, const boost::json::value& body);
// The same for JSON text that is already valid (documents PostgreSQL built), sent as it is.
Response json_text_response(http::status status, std::string body);

// The status line and header fields of `response`, ending with the blank line: what goes on the
// wire before the body. Written directly rather than through Beast's serializer, which walks a
// buffer sequence per field on every write (a measurable share of a /healthz request).
std::string serialized_head(const Response& response);

// {"error": {"code": "...", "message": "..."}} — the one error shape of the API.
Response error_response(http::status status, std::string_view code, std::string_view message);

}  // namespace coffeehouse::net
