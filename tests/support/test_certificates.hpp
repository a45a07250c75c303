#pragma once
// A throwaway PKI made at test time with the OpenSSL C API: a CA and leaf certificates it
// signs, so TLS tests run against real verification without any key material in the repo.
#include <filesystem>
#include <string>

namespace coffeehouse::test_support {

// A certificate and its private key, both PEM.
struct PemIdentity {
  std::string certificate;
  std::string private_key;
};

struct TestPki {
  std::string authority_certificate;     // the test CA, PEM
  std::filesystem::path authority_file;  // the same CA on disk, for HttpsClientOptions::extra_ca_file
  PemIdentity localhost;                 // SAN DNS:localhost, IP:127.0.0.1, signed by the test CA
  PemIdentity other_name;                // SAN DNS:other.invalid, signed by the test CA
};

// Made on first use (EC P-256 keys: fast) and shared by every test; the CA file lives in a
// temporary directory removed at exit.
const TestPki& test_pki();

}  // namespace coffeehouse::test_support
