// Certificates made with OpenSSL's X509 API: P-256 keys, SHA-256 signatures,
// random serials, valid from an hour ago for a day, with the extensions a
// verifier expects of a CA and of a TLS server.
#include "tests/support/test_pki.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>

namespace wisepay::test {
namespace {

template <typename T, void (*Free)(T *)>
struct Deleter {
    void operator()(T *p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

void require(bool ok, const char *what) {
    if (!ok)
        throw std::runtime_error(std::string("test PKI: ") + what);
}

Key new_key() {
    Key key(EVP_EC_gen("P-256"));
    require(key != nullptr, "EC key generation failed");
    return key;
}

std::string to_pem(EVP_PKEY *key) {
    Bio bio(BIO_new(BIO_s_mem()));
    require(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
            "writing key PEM");
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string to_pem(X509 *cert) {
    Bio bio(BIO_new(BIO_s_mem()));
    require(PEM_write_bio_X509(bio.get(), cert) == 1, "writing cert PEM");
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

Key key_from_pem(const std::string &pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    require(key != nullptr, "reading key PEM");
    return key;
}

Cert cert_from_pem(const std::string &pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    require(cert != nullptr, "reading cert PEM");
    return cert;
}

void add_extension(X509 *cert, X509 *issuer, int nid, const std::string &value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    require(ext != nullptr, "making an extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

Cert new_cert(EVP_PKEY *key, const std::string &common_name) {
    Cert cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7F;  // positive
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME *name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(common_name.c_str()), -1, -1,
                               0);
    return cert;
}

bool is_ip(const std::string &name) {
    unsigned char buf[16];
    return inet_pton(AF_INET, name.c_str(), buf) == 1 ||
           inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

TestCa::TestCa(const std::string &common_name) {
    Key key = new_key();
    Cert cert = new_cert(key.get(), common_name);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
    require(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing the CA");
    ca_ = {to_pem(key.get()), to_pem(cert.get())};
}

KeyAndCert TestCa::issue_server_cert(const std::vector<std::string> &names) const {
    std::string san;
    for (const auto &n : names) {
        if (!san.empty())
            san += ',';
        san += is_ip(n) ? "IP:" : "DNS:";
        san += n;
    }
    return issue(names.empty() ? "server" : names.front(), san);
}

KeyAndCert TestCa::issue_cn_only_cert(const std::string &common_name) const {
    return issue(common_name, "");
}

KeyAndCert TestCa::issue(const std::string &common_name, const std::string &san) const {
    Key ca_key = key_from_pem(ca_.key_pem);
    Cert ca_cert = cert_from_pem(ca_.cert_pem);
    Key key = new_key();
    Cert cert = new_cert(key.get(), common_name);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
    add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
    if (!san.empty())
        add_extension(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
    require(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "signing a server cert");
    return {to_pem(key.get()), to_pem(cert.get())};
}

std::string write_pem(const std::string &path, const std::string &content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    require(fd >= 0, "opening a PEM file for writing");
    const bool ok =
        ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    ::close(fd);
    require(ok, "writing a PEM file");
    return path;
}

}  // namespace wisepay::test
