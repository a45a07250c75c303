#include "db/json_text.hpp"

#include <array>

namespace coffeehouse::db {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr std::array<char, 16> hex{'0', '1', '2', '3', '4', '5', '6', '7',
                                            '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  out += '"';
  std::size_t plain_from = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text.substr(plain_from, at - plain_from));
    plain_from = at + 1;
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[byte >> 4];
        out += hex[byte & 0xF];
    }
  }
  out.append(text.substr(plain_from));
  out += '"';
}

void append_json_string_or_null(std::string& out, std::optional<std::string_view> text) {
  if (text) {
    append_json_string(out, *text);
  } else {
    out += "null";
  }
}

void append_json_or_null(std::string& out, std::optional<std::string_view> json) { out += json ? *json : "null"; }

void append_json_boolean_or_null(std::string& out, std::optional<std::string_view> text) {
  out += !text ? "null" : *text == "t" ? "true" : "false";
}

}  // namespace coffeehouse::db
