#pragma once
// The text of each element of a JSON array, exactly as it is written in the document: what the
// seed API sent is stored byte for byte, with no parse-and-serialize round trip in between
// (Boost 1.81 parses some doubles to a neighbouring value, and writes every number in exponent form).
#include <string_view>
#include <vector>

namespace coffeehouse::seed {

// `document` must be valid JSON (parse it first): this only finds boundaries. An array gives its
// elements' texts, trimmed of surrounding whitespace; any other value gives itself, trimmed.
std::vector<std::string_view> element_texts(std::string_view document);

// `text` without the JSON whitespace around it.
std::string_view trim_json_whitespace(std::string_view text) noexcept;

}  // namespace coffeehouse::seed
