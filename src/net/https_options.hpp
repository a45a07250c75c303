#pragma once
// Every knob of the HTTPS client in one struct. Each I/O stage has its own timeout, and the
// total deadline bounds the whole call, retries and backoff sleeps included: the caller can
// rely on getting an answer (a response or an error) by then.
#include <chrono>
#include <cstddef>
#include <filesystem>

namespace coffeehouse::net {

struct HttpsClientOptions {
  std::chrono::milliseconds resolve_timeout{2'000};
  std::chrono::milliseconds connect_timeout{3'000};
  std::chrono::milliseconds handshake_timeout{3'000};
  std::chrono::milliseconds write_timeout{3'000};
  // Bounds the whole response read, so a server dripping bytes cannot hold the call open.
  std::chrono::milliseconds read_timeout{10'000};
  // The TLS close_notify exchange after a successful read; its failure never fails the call.
  std::chrono::milliseconds shutdown_timeout{1'000};
  std::chrono::milliseconds total_deadline{30'000};

  std::size_t body_limit = 4 * 1024 * 1024;
  unsigned max_redirects = 5;
  // Attempts per call, the first one included; only 429 and 5xx answers lead to another attempt.
  unsigned max_attempts = 4;
  std::chrono::milliseconds backoff_base{250};
  std::chrono::milliseconds backoff_cap{5'000};

  // A PEM file of CAs trusted in addition to the system store; empty means the system store only.
  std::filesystem::path extra_ca_file;
};

}  // namespace coffeehouse::net
