#pragma once
// What a migration command can fail with: a malformed revision file, an unknown target, a refused
// upgrade, a SQL error. All of them are expected outcomes the operator must read, so they travel
// as values and end as one line on stderr.
#include "db/result.hpp"

#include <string>

namespace coffeehouse::db::migrations {

struct MigrationError {
  // Declared so that MigrationError is not an aggregate: otherwise a std::string would convert to
  // it, and Outcome<std::string> could not tell a value from an error.
  MigrationError() = default;
  std::string message;
};

// The data-access layer's one result type, with the migrations' error.
template <class T>
using Outcome = Result<T, MigrationError>;

inline MigrationError fail(std::string message) {
  MigrationError error;
  error.message = std::move(message);
  return error;
}

}  // namespace coffeehouse::db::migrations
