#pragma once
#include <string>

namespace coffeehouse::db {

// A JSON document PostgreSQL built from stored data: valid, and sent to clients as it is.
struct JsonText {
  std::string text;
};

}  // namespace coffeehouse::db
