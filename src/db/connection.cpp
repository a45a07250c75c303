#include "db/connection.hpp"

#include "db/async_connection.hpp"
#include "db/sync_connection.hpp"

namespace coffeehouse::db {

ConnectionFactory make_connection_factory(DbMode mode, boost::asio::any_io_executor executor,
                                          ConnectionOptions options) {
  if (mode == DbMode::sync) {
    return [options = std::move(options)] { return std::make_unique<SyncConnection>(options); };
  }
  return [executor = std::move(executor), options = std::move(options)] {
    return std::make_unique<AsyncConnection>(executor, options);
  };
}

}  // namespace coffeehouse::db
