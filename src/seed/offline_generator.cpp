#include "seed/offline_generator.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <random>
#include <set>
#include <string>
#include <string_view>

namespace coffeehouse::seed {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 16> blend_first_words{
    "Morning",   "Velvet", "Highland", "Midnight", "Harvest", "Golden", "Ember",   "Summit",
    "Riverbend", "Copper", "Wild",     "Old Town", "Sunrise", "Cloud",  "Cascade", "Northern"};
constexpr std::array<std::string_view, 12> blend_second_words{
    "Blend", "Roast", "Reserve", "Espresso", "Select", "Cup", "Delight", "Breaker", "Mug", "Classic", "Crema", "Star"};
constexpr std::array<std::string_view, 16> origins{
    "Huila, Colombia",    "Nariño, Colombia",    "Yirgacheffe, Ethiopia", "Sidama, Ethiopia",
    "Antigua, Guatemala", "Tarrazu, Costa Rica", "Kona, Hawaii",          "Nyeri, Kenya",
    "Kirinyaga, Kenya",   "Cerrado, Brazil",     "Sul de Minas, Brazil",  "Aceh, Indonesia",
    "Chiapas, Mexico",    "Cajamarca, Peru",     "Copan, Honduras",       "Blue Mountains, Jamaica"};
constexpr std::array<std::string_view, 28> tasting_notes{
    "crisp",     "bright",      "chocolate", "caramel", "lemon",    "bergamot", "jasmine",
    "black tea", "blueberry",   "cherry",    "honey",   "molasses", "hazelnut", "almond",
    "cocoa",     "brown sugar", "toffee",    "smokey",  "earthy",   "tomato",   "grapefruit",
    "apricot",   "vanilla",     "cinnamon",  "clove",   "papaya",   "walnut",   "syrupy"};
constexpr std::array<std::string_view, 12> intensifiers{
    "delicate", "bright", "juicy", "dense", "vibrant", "soft", "deep", "mild", "tart", "rounded", "clean", "balanced"};

struct City {
  std::string_view name;
  std::string_view state;
  std::string_view state_abbr;  // the ISO 3166-2 subdivision code
  std::string_view time_zone;
  double latitude;
  double longitude;
};

struct Street {
  std::string_view name;
  std::string_view suffix;
};

struct Country {
  std::string_view name;
  std::string_view code;
  std::string_view postcode_pattern;  // '#' is a digit
  bool number_before_street;          // "12 Maple Street" rather than "Lindenstraße 12"
  std::array<City, 3> cities;
  std::array<Street, 4> streets;
};

const std::array<Country, 5> countries{{
    {"United States",
     "US",
     "#####",
     true,
     {{{"Portland", "Oregon", "OR", "America/Los_Angeles", 45.5152, -122.6784},
       {"Austin", "Texas", "TX", "America/Chicago", 30.2672, -97.7431},
       {"Boston", "Massachusetts", "MA", "America/New_York", 42.3601, -71.0589}}},
     {{{"Maple Street", "Street"},
       {"Cedar Avenue", "Avenue"},
       {"Lincoln Boulevard", "Boulevard"},
       {"Willow Lane", "Lane"}}}},
    {"Germany",
     "DE",
     "#####",
     false,
     {{{"Berlin", "Berlin", "BE", "Europe/Berlin", 52.5200, 13.4050},
       {"Hamburg", "Hamburg", "HH", "Europe/Berlin", 53.5511, 9.9937},
       {"Munich", "Bavaria", "BY", "Europe/Berlin", 48.1351, 11.5820}}},
     {{{"Lindenstraße", "Straße"}, {"Gartenweg", "Weg"}, {"Schillerallee", "Allee"}, {"Marktplatz", "Platz"}}}},
    {"Brazil",
     "BR",
     "#####-###",
     false,
     {{{"São Paulo", "São Paulo", "SP", "America/Sao_Paulo", -23.5505, -46.6333},
       {"Belo Horizonte", "Minas Gerais", "MG", "America/Sao_Paulo", -19.9167, -43.9345},
       {"Curitiba", "Paraná", "PR", "America/Sao_Paulo", -25.4284, -49.2733}}},
     {{{"Rua das Flores", "Rua"},
       {"Avenida Paulista", "Avenida"},
       {"Rua Augusta", "Rua"},
       {"Travessa do Comércio", "Travessa"}}}},
    {"Japan",
     "JP",
     "###-####",
     true,
     {{{"Tokyo", "Tokyo", "13", "Asia/Tokyo", 35.6762, 139.6503},
       {"Osaka", "Osaka", "27", "Asia/Tokyo", 34.6937, 135.5023},
       {"Kyoto", "Kyoto", "26", "Asia/Tokyo", 35.0116, 135.7681}}},
     {{{"Sakura-dori", "dori"}, {"Chuo-dori", "dori"}, {"Meiji-dori", "dori"}, {"Aoyama-dori", "dori"}}}},
    {"Colombia",
     "CO",
     "######",
     false,
     {{{"Bogotá", "Bogotá D.C.", "DC", "America/Bogota", 4.7110, -74.0721},
       {"Medellín", "Antioquia", "ANT", "America/Bogota", 6.2442, -75.5812},
       {"Cali", "Valle del Cauca", "VAC", "America/Bogota", 3.4516, -76.5320}}},
     {{{"Carrera Séptima", "Carrera"},
       {"Calle Real", "Calle"},
       {"Avenida El Poblado", "Avenida"},
       {"Calle del Arte", "Calle"}}}},
}};

constexpr std::array<std::string_view, 6> communities{"Park Crossing", "Willow Gardens", "River Commons",
                                                      "Sunset Pointe", "Maple Village",  "Harbor Heights"};
constexpr std::array<std::string_view, 6> city_prefixes{"North", "South", "East", "West", "New", "Port"};
constexpr std::array<std::string_view, 6> city_suffixes{"ville", "burgh", "fort", "haven", "mouth", "side"};

// Draws by reducing mt19937_64's output by hand: its sequence is fixed by the standard, the
// distributions' algorithms are not, and a seed must give the same data on every platform.
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : random_(seed) {}

  std::size_t index(std::size_t bound) { return static_cast<std::size_t>(random_() % bound); }
  std::uint64_t between(std::uint64_t low, std::uint64_t high) { return low + random_() % (high - low + 1); }
  std::uint64_t next() { return random_(); }
  template <class Container>
  const auto& one_of(const Container& choices) {
    return choices[index(choices.size())];
  }
  // Within ±0.05°, a few kilometres around the city centre.
  double near(double coordinate) { return coordinate + static_cast<double>(between(0, 10'000)) / 100'000.0 - 0.05; }

  std::string digits(std::string_view pattern) {
    std::string out{pattern};
    for (auto& character : out) {
      if (character == '#') character = static_cast<char>('0' + index(10));
    }
    return out;
  }

  // The layout of a version 4 UUID; the API's uid fields look like this.
  std::string uuid() {
    constexpr std::string_view hex = "0123456789abcdef";
    std::string out{"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"};
    for (auto& character : out) {
      if (character == 'x') character = hex[index(16)];
      if (character == 'y') character = hex[8 + index(4)];
    }
    return out;
  }

 private:
  std::mt19937_64 random_;
};

CoffeeSeed make_coffee(Draw& draw, std::set<std::string>& used_titles) {
  std::string title;
  // Distinct titles while the 192 combinations last; past that, repeats are unavoidable.
  for (int tries = 0; tries < 32 && (title.empty() || used_titles.contains(title)); ++tries) {
    title = std::string{draw.one_of(blend_first_words)} + " " + std::string{draw.one_of(blend_second_words)};
  }
  used_titles.insert(title);

  std::vector<std::string> notes;
  const auto note_count = draw.between(3, 5);
  while (notes.size() < note_count) {
    std::string note{draw.one_of(tasting_notes)};
    if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(std::move(note));
  }
  return CoffeeSeed{std::move(title), std::string{draw.one_of(origins)}, std::string{draw.one_of(intensifiers)},
                    std::move(notes)};
}

json::object make_address(Draw& draw, const Country& country) {
  const auto& city = draw.one_of(country.cities);
  const auto& street = draw.one_of(country.streets);
  const auto building_number = std::to_string(draw.between(1, 9'999));
  const auto street_address = country.number_before_street ? building_number + " " + std::string{street.name}
                                                           : std::string{street.name} + " " + building_number;
  const auto zip_code = draw.digits(country.postcode_pattern);
  json::object address;
  address["id"] = static_cast<std::int64_t>(draw.between(1'000, 9'999));
  address["uid"] = draw.uuid();
  address["city"] = city.name;
  address["street_name"] = street.name;
  address["street_address"] = street_address;
  address["secondary_address"] = (draw.index(2) == 0 ? "Apt. " : "Suite ") + std::to_string(draw.between(1, 999));
  address["building_number"] = building_number;
  address["mail_box"] = "PO Box " + std::to_string(draw.between(100, 9'999));
  address["community"] = draw.one_of(communities);
  address["zip_code"] = zip_code;
  address["zip"] = draw.digits(country.postcode_pattern);
  address["postcode"] = draw.digits(country.postcode_pattern);
  address["time_zone"] = city.time_zone;
  address["street_suffix"] = street.suffix;
  address["city_suffix"] = draw.one_of(city_suffixes);
  address["city_prefix"] = draw.one_of(city_prefixes);
  address["state"] = city.state;
  address["state_abbr"] = city.state_abbr;
  address["country"] = country.name;
  address["country_code"] = country.code;
  address["latitude"] = draw.near(city.latitude);
  address["longitude"] = draw.near(city.longitude);
  address["full_address"] = street_address + ", " + zip_code + " " + std::string{city.name} + ", " +
                            std::string{city.state_abbr} + ", " + std::string{country.name};
  return address;
}

// The object as JSON text. Boost.JSON 1.81 writes every double in exponent form (3.5E1); the
// coordinates are written the way the seed API writes them, as the shortest decimal that reads
// back as the same double.
std::string address_text(const json::object& address) {
  std::string text = "{";
  for (const auto& member : address) {
    if (text.size() > 1) text += ',';
    text += json::serialize(json::string_view(member.key()));
    text += ':';
    if (member.value().is_double()) {
      std::array<char, 32> digits{};
      const auto written = std::to_chars(digits.data(), digits.data() + digits.size(), member.value().get_double());
      text.append(digits.data(), written.ptr);
    } else {
      text += json::serialize(member.value());
    }
  }
  return text + "}";
}

}  // namespace

SeedData generate_offline_seed(std::size_t count, std::uint64_t random_seed) {
  Draw draw{random_seed};
  std::vector<CoffeeSeed> coffees;
  std::set<std::string> used_titles;
  for (std::size_t index = 0; index < count; ++index) coffees.push_back(make_coffee(draw, used_titles));

  // Round-robin from a random first country: every country gets its share of users.
  const auto first_country = draw.index(countries.size());
  std::vector<std::string> addresses;
  for (std::size_t index = 0; index < count; ++index) {
    addresses.push_back(address_text(make_address(draw, countries[(first_country + index) % countries.size()])));
  }
  return assemble_seed_data(std::move(coffees), std::move(addresses), draw.next());
}

}  // namespace coffeehouse::seed
