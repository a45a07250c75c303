#pragma once
// Reading db::Result in assertions. Result::error() on a success returns a default DbError, which
// an assertion about the error's kind could mistake for a real one: these say "no error" instead.
#include "db/result.hpp"

#include <optional>
#include <string>

namespace coffeehouse::testing {

template <class T, class E>
std::optional<db::ErrorKind> error_kind(const db::Result<T, E>& result) {
  if (result) return std::nullopt;
  return result.error().kind;
}

template <class T, class E>
std::string error_message(const db::Result<T, E>& result) {
  return result ? std::string("(no error)") : result.error().message;
}

template <class T, class E>
std::string error_sqlstate(const db::Result<T, E>& result) {
  return result ? std::string() : result.error().sqlstate;
}

}  // namespace coffeehouse::testing
