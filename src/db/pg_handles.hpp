#pragma once
// RAII owners for libpq handles: nothing in the project calls PQfinish or PQclear by hand.
#include <libpq-fe.h>

#include <memory>

namespace coffeehouse::db {

struct PgConnDeleter {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};

using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

}  // namespace coffeehouse::db
