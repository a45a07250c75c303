#include "support/test_certificates.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace coffeehouse::test_support {

namespace {

// One deleter template for every OpenSSL handle: unique_ptr<X509, Free<X509_free>>.
template <auto free_function>
struct Free {
  template <class Handle>
  void operator()(Handle* handle) const noexcept {
    free_function(handle);
  }
};

using KeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using KeyContextPtr = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX_free>>;
using CertificatePtr = std::unique_ptr<X509, Free<X509_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;

void check(bool ok, std::string_view what) {
  if (!ok) throw std::runtime_error("test PKI: " + std::string{what} + " failed");
}

KeyPtr make_key() {
  KeyContextPtr context{EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)};
  check(context != nullptr, "EVP_PKEY_CTX_new_from_name");
  check(EVP_PKEY_keygen_init(context.get()) == 1, "EVP_PKEY_keygen_init");
  check(EVP_PKEY_CTX_set_group_name(context.get(), "P-256") == 1, "EVP_PKEY_CTX_set_group_name");
  EVP_PKEY* key = nullptr;
  check(EVP_PKEY_generate(context.get(), &key) == 1, "EVP_PKEY_generate");
  return KeyPtr{key};
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context{};
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  ExtensionPtr extension{X509V3_EXT_conf_nid(nullptr, &context, nid, value)};
  check(extension != nullptr, "X509V3_EXT_conf_nid");
  check(X509_add_ext(certificate, extension.get(), -1) == 1, "X509_add_ext");
}

struct Signed {
  CertificatePtr certificate;
  KeyPtr key;
};

// issuer == nullptr makes a self-signed CA; otherwise a server leaf for subject_alt_names.
Signed make_certificate(long serial, const char* common_name, const Signed* issuer, const char* subject_alt_names) {
  Signed made{CertificatePtr{X509_new()}, make_key()};
  auto* certificate = made.certificate.get();
  check(certificate != nullptr, "X509_new");
  check(X509_set_version(certificate, X509_VERSION_3) == 1, "X509_set_version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial) == 1, "ASN1_INTEGER_set");
  // An hour of slack either side keeps clock skew between test machines out of the picture.
  check(X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(certificate), 24 * 3600) != nullptr, "notAfter");
  check(X509_set_pubkey(certificate, made.key.get()) == 1, "X509_set_pubkey");

  auto* subject = X509_get_subject_name(certificate);
  check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1,
                                   -1, 0) == 1,
        "X509_NAME_add_entry_by_txt");
  auto* issuer_certificate = issuer ? issuer->certificate.get() : certificate;
  check(X509_set_issuer_name(certificate, X509_get_subject_name(issuer_certificate)) == 1, "X509_set_issuer_name");

  add_extension(certificate, issuer_certificate, NID_subject_key_identifier, "hash");
  add_extension(certificate, issuer_certificate, NID_authority_key_identifier, "keyid:always");
  if (issuer == nullptr) {
    add_extension(certificate, certificate, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(certificate, certificate, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(certificate, issuer_certificate, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(certificate, issuer_certificate, NID_key_usage, "critical,digitalSignature");
    add_extension(certificate, issuer_certificate, NID_ext_key_usage, "serverAuth");
    add_extension(certificate, issuer_certificate, NID_subject_alt_name, subject_alt_names);
  }
  auto* signing_key = issuer ? issuer->key.get() : made.key.get();
  check(X509_sign(certificate, signing_key, EVP_sha256()) > 0, "X509_sign");
  return made;
}

std::string drain(BIO* bio) {
  std::string pem(BIO_ctrl_pending(bio), '\0');
  check(BIO_read(bio, pem.data(), static_cast<int>(pem.size())) == static_cast<int>(pem.size()), "BIO_read");
  return pem;
}

std::string certificate_pem(const Signed& made) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  check(bio && PEM_write_bio_X509(bio.get(), made.certificate.get()) == 1, "PEM_write_bio_X509");
  return drain(bio.get());
}

std::string private_key_pem(const Signed& made) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  check(bio && PEM_write_bio_PrivateKey(bio.get(), made.key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return drain(bio.get());
}

// Owns the temporary directory holding the CA file; removes it when the process exits.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "coffeehouse-tls-XXXXXX").string();
    check(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
    path_ = pattern;
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

struct PkiOnDisk {
  PkiOnDisk() {
    const auto authority = make_certificate(1, "coffeehouse test CA", nullptr, nullptr);
    const auto localhost = make_certificate(2, "localhost", &authority, "DNS:localhost,IP:127.0.0.1");
    const auto other_name = make_certificate(3, "other.invalid", &authority, "DNS:other.invalid");
    pki.authority_certificate = certificate_pem(authority);
    pki.localhost = {certificate_pem(localhost), private_key_pem(localhost)};
    pki.other_name = {certificate_pem(other_name), private_key_pem(other_name)};
    pki.authority_file = directory.path() / "test-ca.pem";
    std::ofstream{pki.authority_file} << pki.authority_certificate;
  }

  TemporaryDirectory directory;
  TestPki pki;
};

}  // namespace

const TestPki& test_pki() {
  static const PkiOnDisk made;
  return made.pki;
}

}  // namespace coffeehouse::test_support
