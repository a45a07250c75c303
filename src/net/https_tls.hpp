#pragma once
// The TLS side of the client: one context per client (system store plus an optional extra CA),
// and per-connection set-up (SNI, certificate and host name verification).
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/error_code.hpp>

#include <filesystem>
#include <string>

namespace coffeehouse::net {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// TLS 1.2 or later, peers verified against the system store and, when the path is not empty,
// the CAs in extra_ca_file. Throws std::runtime_error naming the file when it cannot be loaded:
// this runs at start-up, where a bad path should stop the service.
boost::asio::ssl::context make_client_tls_context(const std::filesystem::path& extra_ca_file);

// Sends SNI (for names; RFC 6066 forbids IP literals there) and makes the handshake fail unless
// the chain verifies and the leaf certificate matches host, a DNS name or an IP address.
boost::system::error_code prepare_tls_stream(TlsStream& stream, const std::string& host);

// The handshake error, plus the reason OpenSSL recorded when it was the certificate it refused.
std::string describe_handshake_failure(TlsStream& stream, const boost::system::error_code& error);

}  // namespace coffeehouse::net
