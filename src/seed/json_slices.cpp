#include "seed/json_slices.hpp"

namespace coffeehouse::seed {

namespace {
constexpr std::string_view json_whitespace = " \t\r\n";
}

std::string_view trim_json_whitespace(std::string_view text) noexcept {
  const auto first = text.find_first_not_of(json_whitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(json_whitespace) - first + 1);
}

std::vector<std::string_view> element_texts(std::string_view document) {
  const auto value = trim_json_whitespace(document);
  if (value.empty() || value.front() != '[') return {value};

  std::vector<std::string_view> elements;
  // Brackets and commas count only outside strings, and a string ends at a quote that no
  // backslash escapes. Nesting is tracked by depth alone: the document is known to be valid.
  std::size_t depth = 0;
  std::size_t element_start = 1;
  bool in_string = false;
  for (std::size_t at = 0; at < value.size(); ++at) {
    const char c = value[at];
    if (in_string) {
      if (c == '\\') {
        ++at;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{': ++depth; break;
      case ']':
      case '}':
        if (--depth == 0) {
          if (const auto last = trim_json_whitespace(value.substr(element_start, at - element_start)); !last.empty()) {
            elements.push_back(last);
          }
          return elements;
        }
        break;
      case ',':
        if (depth == 1) {
          elements.push_back(trim_json_whitespace(value.substr(element_start, at - element_start)));
          element_start = at + 1;
        }
        break;
      default: break;
    }
  }
  return elements;
}

}  // namespace coffeehouse::seed
