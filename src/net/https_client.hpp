#pragma once
// An HTTPS GET client for JSON APIs, written as coroutines that run on the caller's executor
// and never block it. Each call follows redirects (https only), retries 429 and 5xx with
// backoff, and answers by HttpsClientOptions::total_deadline whatever the server does.
#include "net/https_options.hpp"
#include "net/https_result.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <string>

namespace coffeehouse::net {

class HttpsClient {
 public:
  // Builds the TLS context from options (see make_client_tls_context): throws when the
  // extra CA file cannot be loaded, so construct it at start-up.
  explicit HttpsClient(HttpsClientOptions options);

  // GET url with Accept: application/json. Statuses other than redirects, 429 and 5xx come
  // back as responses, 4xx included: what they mean is the caller's business. The client must
  // outlive the returned awaitable; several calls may run at once. The URL is taken by value
  // because the coroutine starts only when awaited, after a caller's temporary would be gone.
  boost::asio::awaitable<HttpsResult> get(std::string url);

  const HttpsClientOptions& options() const noexcept { return options_; }

 private:
  HttpsClientOptions options_;
  boost::asio::ssl::context tls_;
};

}  // namespace coffeehouse::net
