#include "db/params.hpp"

namespace coffeehouse::db {

Params& Params::add(std::string_view value) {
  values_.emplace_back(std::string(value));
  return *this;
}

Params& Params::add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::add(bool value) {
  values_.emplace_back(value ? "true" : "false");
  return *this;
}

Params& Params::add_null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

const char* const* Params::pointers() const {
  // Built on demand: short strings live inside the vector's elements, so
  // pointers taken during add() would dangle after a reallocation.
  pointers_.clear();
  for (const auto& value : values_) pointers_.push_back(value ? value->c_str() : nullptr);
  return pointers_.data();
}

}  // namespace coffeehouse::db
