// The one OpenSSL client context an HTTP client shares across its
// connections, and the TLS sessions it remembers per origin for resumption.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wisepay::http {

class TlsContext {
  public:
    // tls_client with TLS 1.2 as the floor (tlsv12_client would also cap it
    // at 1.2), peer verification on; CAs from `ca_file`, or the system's
    // store when it is empty. Throws TrustStoreError when the CAs cannot be
    // loaded, TransportError(kRefused) when OpenSSL refuses the settings.
    // Never changed afterwards.
    explicit TlsContext(const std::string &ca_file);
    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;

    boost::asio::ssl::context &context() { return context_; }

    // Before the handshake of a new connection to `origin`: offers the last
    // session that origin gave us, and tags `ssl` so that the sessions the
    // server issues on it (in TLS 1.3 they arrive after the handshake,
    // while the answer is read) are remembered for `origin`. `origin` must
    // outlive `ssl`.
    void prepare(SSL *ssl, const std::string *origin);

    // Drops the session remembered for `origin` (after a failed handshake).
    void forget(const std::string &origin);

    std::size_t remembered_sessions() const;

  private:
    // Loads the CAs in `ca_file`, or throws TrustStoreError saying why not.
    void load_ca_file(const std::string &ca_file);
    static int on_new_session(SSL *ssl, SSL_SESSION *session);
    void remember(const std::string &origin, SSL_SESSION *session);

    boost::asio::ssl::context context_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, SSL_SESSION *> sessions_;  // each holds one reference
};

}  // namespace wisepay::http
