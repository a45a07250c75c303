#include "handlers/user_input.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <unordered_set>
#include <vector>

namespace coffeehouse::handlers {

namespace http = net::http;
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 6> known_fields{"name",     "surname", "patronomic",
                                                       "has_sale", "address", "coffee_id"};

net::Response wrong_type(std::string_view field, std::string_view expected) {
  return net::error_response(http::status::bad_request, "invalid_type",
                             std::string(field) + " must be " + std::string(expected));
}

net::Response invalid_value(std::string message) {
  return net::error_response(http::status::unprocessable_entity, "validation_failed", message);
}

bool is_json_media_type(std::string_view content_type) {
  const auto end = content_type.find(';');
  auto media_type = content_type.substr(0, end);
  while (!media_type.empty() && std::isspace(static_cast<unsigned char>(media_type.back())))
    media_type.remove_suffix(1);
  while (!media_type.empty() && std::isspace(static_cast<unsigned char>(media_type.front())))
    media_type.remove_prefix(1);
  constexpr std::string_view expected = "application/json";
  return std::equal(media_type.begin(), media_type.end(), expected.begin(), expected.end(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// Boost.JSON keeps the last of duplicate keys without a word, while other parsers keep the
// first: {"name":"A","name":"B"} means different things to different readers, so it is refused.
// Watches keys only; the text has already been parsed into a value.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  std::optional<std::string> duplicate;

  bool on_object_begin(boost::system::error_code&) {
    open_objects_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    open_objects_.pop_back();
    return true;
  }
  bool on_key_part(std::string_view part, std::size_t, boost::system::error_code&) {
    key_.append(part);
    return true;
  }
  bool on_key(std::string_view part, std::size_t, boost::system::error_code& ec) {
    key_.append(part);
    if (!open_objects_.back().insert(key_).second) {
      duplicate = std::move(key_);
      ec = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
      return false;
    }
    key_.clear();
    return true;
  }
  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
  bool on_string_part(std::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_string(std::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_number_part(std::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, std::string_view, boost::system::error_code&) { return true; }
  bool on_uint64(std::uint64_t, std::string_view, boost::system::error_code&) { return true; }
  bool on_double(double, std::string_view, boost::system::error_code&) { return true; }
  bool on_bool(bool, boost::system::error_code&) { return true; }
  bool on_null(boost::system::error_code&) { return true; }
  bool on_comment_part(std::string_view, boost::system::error_code&) { return true; }
  bool on_comment(std::string_view, boost::system::error_code&) { return true; }

 private:
  std::vector<std::unordered_set<std::string>> open_objects_;
  std::string key_;
};

std::optional<std::string> first_duplicate_key(std::string_view text, const json::parse_options& options) {
  json::basic_parser<DuplicateKeyFinder> parser(options);
  boost::system::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return std::move(parser.handler().duplicate);
}

// What a jsonb column cannot hold although the parsed value does: NUL characters (PostgreSQL
// text cannot contain them) and infinity (what a number beyond double's range parses to; JSON
// has no such number). Depth is bounded by the parser's max_depth.
std::optional<std::string> unstorable_in_jsonb(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      if (value.get_string().find('\0') != json::string::npos) return "NUL characters";
      break;
    case json::kind::double_:
      if (!std::isfinite(value.get_double())) return "numbers beyond the range of a double";
      break;
    case json::kind::array:
      for (const auto& element : value.get_array()) {
        if (auto problem = unstorable_in_jsonb(element)) return problem;
      }
      break;
    case json::kind::object:
      for (const auto& member : value.get_object()) {
        if (member.key().find('\0') != json::string_view::npos) return "NUL characters";
        if (auto problem = unstorable_in_jsonb(member.value())) return problem;
      }
      break;
    default: break;
  }
  return std::nullopt;
}

// A text field that may be absent or null; PostgreSQL text cannot hold NUL characters.
OrResponse<std::optional<std::string>> optional_text(const json::object& body, std::string_view field,
                                                     std::size_t max_length) {
  const auto* value = body.if_contains(field);
  if (value == nullptr || value->is_null()) return std::optional<std::string>{};
  if (!value->is_string()) return wrong_type(field, "a string or null");
  const std::string_view text = value->get_string();
  if (text.find('\0') != std::string_view::npos)
    return invalid_value(std::string(field) + " must not contain NUL characters");
  if (utf8_length(text) > max_length) {
    return invalid_value(std::string(field) + " must be at most " + std::to_string(max_length) + " characters");
  }
  return std::optional<std::string>(std::string(text));
}

}  // namespace

OrResponse<NewUser> parse_new_user(const net::Request& request, unsigned max_depth) {
  if (!is_json_media_type(request[http::field::content_type])) {
    return net::error_response(http::status::unsupported_media_type, "unsupported_media_type",
                               "the body must be JSON (Content-Type: application/json)");
  }
  json::parse_options options;
  options.max_depth = max_depth;
  boost::system::error_code ec;
  const auto document = json::parse(request.body(), ec, {}, options);
  if (ec)
    return net::error_response(http::status::bad_request, "malformed_json",
                               "the body is not valid JSON: " + ec.message());
  if (const auto key = first_duplicate_key(request.body(), options)) {
    return net::error_response(http::status::bad_request, "duplicate_key",
                               "the key '" + *key + "' appears more than once in one object");
  }
  if (!document.is_object()) return wrong_type("the body", "a JSON object");
  const auto& body = document.get_object();

  for (const auto& field : body) {
    if (std::find(known_fields.begin(), known_fields.end(), field.key()) == known_fields.end()) {
      return net::error_response(http::status::bad_request, "unknown_field",
                                 "unknown field '" + std::string(field.key()) + "'");
    }
  }

  NewUser user;
  const auto* name = body.if_contains("name");
  if (name == nullptr || name->is_null()) return invalid_value("name is required");
  if (!name->is_string()) return wrong_type("name", "a string");
  auto name_text = optional_text(body, "name", max_name_length);
  if (is_response(name_text)) return std::get<net::Response>(std::move(name_text));
  user.name = *std::get<std::optional<std::string>>(std::move(name_text));
  if (user.name.empty()) return invalid_value("name must not be empty");

  for (auto [field, target] : {std::pair{"surname", &user.surname}, std::pair{"patronomic", &user.patronomic}}) {
    auto text = optional_text(body, field, max_name_length);
    if (is_response(text)) return std::get<net::Response>(std::move(text));
    *target = std::get<std::optional<std::string>>(std::move(text));
  }

  if (const auto* has_sale = body.if_contains("has_sale"); has_sale != nullptr && !has_sale->is_null()) {
    if (!has_sale->is_bool()) return wrong_type("has_sale", "true, false or null");
    user.has_sale = has_sale->get_bool();
  }

  if (const auto* address = body.if_contains("address"); address != nullptr && !address->is_null()) {
    if (!address->is_object()) return wrong_type("address", "a JSON object or null");
    if (const auto problem = unstorable_in_jsonb(*address))
      return invalid_value("address must not contain " + *problem);
    user.body_with_address = request.body();
  }

  if (const auto* coffee_id = body.if_contains("coffee_id"); coffee_id != nullptr && !coffee_id->is_null()) {
    if (!coffee_id->is_int64() && !coffee_id->is_uint64()) return wrong_type("coffee_id", "an integer or null");
    const bool in_range =
        coffee_id->is_int64() && coffee_id->get_int64() >= 1 && coffee_id->get_int64() <= max_serial_id;
    if (!in_range) return invalid_value("coffee_id must be an existing coffee's id");
    user.coffee_id = coffee_id->get_int64();
  }
  return user;
}

}  // namespace coffeehouse::handlers
