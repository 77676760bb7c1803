// Certificates made at test time: a CA and server certificates it signs, so
// that tests run a real HTTPS server on loopback that the plugin verifies
// exactly as it verifies Wise-Pay.
#pragma once

#include <string>
#include <vector>

namespace wisepay::test {

struct KeyAndCert {
    std::string key_pem;
    std::string cert_pem;
};

class TestCa {
  public:
    // A new CA with a fresh P-256 key, valid from an hour ago for a day.
    explicit TestCa(const std::string &common_name = "Wise-Pay test CA");

    const std::string &cert_pem() const { return ca_.cert_pem; }

    // A server certificate for `names`: entries that parse as IP addresses
    // become IP SANs, the rest DNS SANs.
    KeyAndCert issue_server_cert(const std::vector<std::string> &names) const;

    // A server certificate that names its host only in the subject's common
    // name, with no subjectAltName: what browsers and RFC 6125 refuse.
    KeyAndCert issue_cn_only_cert(const std::string &common_name) const;

  private:
    // A server certificate with this subject CN and subjectAltName (none
    // when empty), signed by this CA.
    KeyAndCert issue(const std::string &common_name, const std::string &san) const;

    KeyAndCert ca_;
};

// Writes `content` to `path` (mode 0600); returns `path`.
std::string write_pem(const std::string &path, const std::string &content);

}  // namespace wisepay::test
