#include "seed/seed_data.hpp"

#include "seed/json_slices.hpp"

#include <boost/assert.hpp>
#include <boost/json/parse.hpp>
#include <boost/throw_exception.hpp>

#include <array>
#include <random>
#include <stdexcept>
#include <utility>

namespace coffeehouse::seed {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 23> address_field_names{
    "id",          "uid",         "city",     "street_name", "street_address", "secondary_address", "building_number",
    "mail_box",    "community",   "zip_code", "zip",         "postcode",       "time_zone",         "street_suffix",
    "city_suffix", "city_prefix", "state",    "state_abbr",  "country",        "country_code",      "latitude",
    "longitude",   "full_address"};

constexpr std::array<std::string_view, 32> user_names{
    "Ada Okafor",       "Bruno Silva",      "Chiara Rossi", "Dmitri Volkov",   "Elif Yilmaz",    "Farah Haddad",
    "Gustav Lindqvist", "Hana Sato",        "Ines Moreau",  "Jonas Becker",    "Kwame Mensah",   "Lucia Fernandez",
    "Mateo Gomez",      "Nadia Rahman",     "Oskar Nowak",  "Priya Raman",     "Quentin Dubois", "Rosa Alvarez",
    "Sven Hansen",      "Tamar Cohen",      "Umar Farouk",  "Valentina Costa", "Wen Li",         "Ximena Torres",
    "Yusuf Demir",      "Zoe Papadopoulos", "Aiko Tanaka",  "Ben Carter",      "Clara Weber",    "Diego Santos",
    "Emma Nielsen",     "Felix Hoffmann"};

// Each entry of a response, with the name its errors are reported under.
struct Element {
  std::string name;  // "coffee[3]"
  json::object object;
  std::string_view text;  // the element as the body writes it
};

std::string_view describe(json::kind kind) {
  switch (kind) {
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
    case json::kind::bool_: return "a boolean";
    case json::kind::null: return "null";
  }
  return "an unknown JSON value";
}

SeedError field_error(const Element& element, std::string_view field, std::string_view problem) {
  return {element.name + ": field \"" + std::string{field} + "\" " + std::string{problem}};
}

SeedResult<const json::value*> field_of(const Element& element, std::string_view field) {
  const auto* value = element.object.if_contains(field);
  if (value == nullptr) return field_error(element, field, "is missing");
  return value;
}

enum class FieldType : std::uint8_t { string, integer, number };

bool has_type(const json::value& value, FieldType type) {
  switch (type) {
    case FieldType::string: return value.is_string();
    case FieldType::integer: return value.is_int64() || value.is_uint64();
    case FieldType::number: return value.is_number();
  }
  return false;
}

std::string_view describe(FieldType type) {
  switch (type) {
    case FieldType::string: return "a string";
    case FieldType::integer: return "an integer";
    case FieldType::number: return "a number";
  }
  return "of an unknown type";
}

SeedResult<void> require_field(const Element& element, std::string_view field, FieldType type) {
  const auto value = field_of(element, field);
  if (!value) return value.error();
  if (!has_type(**value, type)) {
    return field_error(element, field,
                       "must be " + std::string{describe(type)} + ", not " + std::string{describe((*value)->kind())});
  }
  return {};
}

SeedResult<std::string> string_field(const Element& element, std::string_view field) {
  if (auto checked = require_field(element, field, FieldType::string); !checked) return checked.error();
  // SeedError is constructible from a string too, so the value needs naming as such.
  return {boost::system::in_place_value, element.object.at(field).get_string()};
}

FieldType address_field_type(std::string_view field) {
  if (field == "id") return FieldType::integer;
  if (field == "latitude" || field == "longitude") return FieldType::number;
  return FieldType::string;
}

SeedResult<std::vector<Element>> elements_of(std::string_view body, std::string_view what, std::size_t expected_count) {
  boost::system::error_code parse_error;
  auto parsed = json::parse(body, parse_error);
  if (parse_error) return SeedError{std::string{what} + " response is not JSON: " + parse_error.message()};

  const auto element_name = [what](std::size_t index) { return std::string{what} + "[" + std::to_string(index) + "]"; };
  std::vector<Element> elements;
  if (parsed.is_object() && expected_count == 1) {
    elements.push_back({element_name(0), std::move(parsed.get_object()), trim_json_whitespace(body)});
    return elements;
  }
  if (!parsed.is_array()) {
    return SeedError{std::string{what} + " response: expected a JSON array, got " +
                     std::string{describe(parsed.kind())}};
  }
  auto& array = parsed.get_array();
  if (array.empty()) return SeedError{std::string{what} + " response: the array is empty"};
  if (array.size() != expected_count) {
    return SeedError{std::string{what} + " response: expected " + std::to_string(expected_count) + " elements, got " +
                     std::to_string(array.size())};
  }
  const auto texts = element_texts(body);
  BOOST_ASSERT(texts.size() == array.size());
  for (std::size_t index = 0; index < array.size(); ++index) {
    if (!array[index].is_object()) {
      return SeedError{element_name(index) + ": expected an object, got " + std::string{describe(array[index].kind())}};
    }
    elements.push_back({element_name(index), std::move(array[index].get_object()), texts[index]});
  }
  return elements;
}

SeedResult<CoffeeSeed> coffee_from(const Element& element) {
  auto title = string_field(element, "blend_name");
  if (!title) return title.error();
  if (title->empty()) return field_error(element, "blend_name", "is empty");
  auto origin = string_field(element, "origin");
  if (!origin) return origin.error();
  auto intensifier = string_field(element, "intensifier");
  if (!intensifier) return intensifier.error();
  const auto notes = string_field(element, "notes");
  if (!notes) return notes.error();
  return CoffeeSeed{std::move(*title), std::move(*origin), std::move(*intensifier), split_notes(*notes)};
}

SeedResult<void> check_address(const Element& element) {
  for (const auto field : address_field_names) {
    if (auto checked = require_field(element, field, address_field_type(field)); !checked) return checked.error();
  }
  return {};
}

}  // namespace

void throw_exception_from_error(const SeedError& error, const boost::source_location& location) {
  boost::throw_with_location(std::runtime_error(error.message), location);
}

std::span<const std::string_view> address_fields() noexcept { return address_field_names; }

std::vector<std::string> split_notes(std::string_view notes) {
  std::vector<std::string> pieces;
  while (!notes.empty()) {
    const auto comma = notes.find(',');
    auto piece = notes.substr(0, comma);
    notes = comma == std::string_view::npos ? std::string_view{} : notes.substr(comma + 1);
    const auto first = piece.find_first_not_of(" \t\n\r");
    if (first == std::string_view::npos) continue;
    piece = piece.substr(first, piece.find_last_not_of(" \t\n\r") - first + 1);
    pieces.emplace_back(piece);
  }
  return pieces;
}

SeedResult<std::vector<CoffeeSeed>> coffees_from_response(std::string_view body, std::size_t expected_count) {
  const auto elements = elements_of(body, "coffee", expected_count);
  if (!elements) return elements.error();
  std::vector<CoffeeSeed> coffees;
  coffees.reserve(elements->size());
  for (const auto& element : *elements) {
    auto coffee = coffee_from(element);
    if (!coffee) return coffee.error();
    coffees.push_back(std::move(*coffee));
  }
  return coffees;
}

SeedResult<std::vector<std::string>> addresses_from_response(std::string_view body, std::size_t expected_count) {
  auto elements = elements_of(body, "address", expected_count);
  if (!elements) return elements.error();
  std::vector<std::string> addresses;
  addresses.reserve(elements->size());
  for (auto& element : *elements) {
    if (const auto checked = check_address(element); !checked) return checked.error();
    // The parsed object only served the checks: what is stored is the text the API sent.
    addresses.emplace_back(element.text);
  }
  return addresses;
}

SeedData assemble_seed_data(std::vector<CoffeeSeed> coffees, std::vector<std::string> addresses,
                            std::uint64_t random_seed) {
  BOOST_ASSERT_MSG(addresses.empty() || !coffees.empty(), "users need a coffee to point at");
  // mt19937_64's output is fixed by the standard, and reducing it by hand (rather than through a
  // distribution, whose algorithm each standard library picks) keeps a seed's users the same everywhere.
  std::mt19937_64 random{random_seed};
  const auto random_index = [&random](std::size_t bound) { return static_cast<std::size_t>(random() % bound); };

  std::array<std::size_t, user_names.size()> name_order{};
  for (std::size_t index = 0; index < name_order.size(); ++index) name_order[index] = index;
  for (std::size_t index = name_order.size() - 1; index > 0; --index) {
    std::swap(name_order[index], name_order[random_index(index + 1)]);
  }

  SeedData data;
  data.users.reserve(addresses.size());
  for (std::size_t index = 0; index < addresses.size(); ++index) {
    UserSeed user;
    user.name = user_names[name_order[index % name_order.size()]];
    user.has_sale = (random() & 1U) == 1U;
    user.address_json = std::move(addresses[index]);
    user.coffee_index = random_index(coffees.size());
    data.users.push_back(std::move(user));
  }
  data.coffees = std::move(coffees);
  return data;
}

}  // namespace coffeehouse::seed
