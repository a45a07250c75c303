#pragma once
// Query parameters in libpq's text format. Values are always sent out of line
// (PQsendQueryPrepared / PQexecPrepared): nothing from a request reaches SQL text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::db {

class Params {
 public:
  Params& add(std::string_view value);
  Params& add(std::int64_t value);
  Params& add(bool value);
  Params& add_null();

  template <class T>
  Params& add(const std::optional<T>& value) {
    return value ? add(*value) : add_null();
  }

  int size() const noexcept { return static_cast<int>(values_.size()); }
  // Stable until the next add(): libpq reads it during the call only.
  const char* const* pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
  mutable std::vector<const char*> pointers_;
};

}  // namespace coffeehouse::db
