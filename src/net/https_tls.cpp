#include "net/https_tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>

#include <stdexcept>

namespace coffeehouse::net {

namespace ssl = boost::asio::ssl;

namespace {

bool is_ip_literal(const std::string& host) {
  boost::system::error_code not_an_address;
  boost::asio::ip::make_address(host, not_an_address);
  return !not_an_address;
}

}  // namespace

ssl::context make_client_tls_context(const std::filesystem::path& extra_ca_file) {
  ssl::context context{ssl::context::tls_client};
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_verify_mode(ssl::verify_peer);
  boost::system::error_code error;
  context.set_default_verify_paths(error);
  if (error) throw std::runtime_error("cannot load the system CA store: " + error.message());
  if (!extra_ca_file.empty()) {
    context.load_verify_file(extra_ca_file.string(), error);
    if (error) {
      throw std::runtime_error("cannot load extra CA file '" + extra_ca_file.string() + "': " + error.message());
    }
  }
  return context;
}

boost::system::error_code prepare_tls_stream(TlsStream& stream, const std::string& host) {
  const bool ip_literal = is_ip_literal(host);
  // SSL_set_tlsext_host_name is this call behind a C cast; OpenSSL copies the name.
  if (!ip_literal && SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                              const_cast<char*>(host.c_str())) != 1) {
    return {static_cast<int>(ERR_get_error()), boost::asio::error::get_ssl_category()};
  }
  boost::system::error_code error;
  stream.set_verify_mode(ssl::verify_peer, error);
  if (error) return error;
  const auto mismatch = ip_literal ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH;
  stream.set_verify_callback(
      [matches_host = ssl::host_name_verification{host}, mismatch](bool preverified, ssl::verify_context& context) {
        if (matches_host(preverified, context)) return true;
        // host_name_verification refuses without recording why; recording it lets the
        // handshake error say "hostname mismatch" rather than a bare "verify failed".
        if (preverified) X509_STORE_CTX_set_error(context.native_handle(), mismatch);
        return false;
      },
      error);
  return error;
}

std::string describe_handshake_failure(TlsStream& stream, const boost::system::error_code& error) {
  const auto verify_result = SSL_get_verify_result(stream.native_handle());
  if (verify_result == X509_V_OK) return error.message();
  return error.message() + " (" + X509_verify_cert_error_string(verify_result) + ")";
}

}  // namespace coffeehouse::net
