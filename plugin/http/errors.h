// How the HTTP client fails: the bottom of the HTTP layer, shared by the
// client, its connections and its TLS context.
#pragma once

#include <stdexcept>
#include <string>

namespace wisepay::http {

enum class Failure {
    kConnect,         // name resolution or TCP connect failed: nothing was sent
    kTls,             // handshake failed: untrusted certificate, wrong host name, protocol
    kTimeout,         // the deadline passed, in any phase
    kConnectionLost,  // reset or EOF after the request was (maybe) sent, before a complete answer
    kProtocol,        // the answer is not valid HTTP
    kBodyTooLarge,    // the answer's body or header is over its limit
    kRefused,         // not sent: plain http without opt-in, or a malformed request
};

// A failure to get a complete answer. what() names the origin, the phase and
// the reason, for logs; it never holds a header value, a body or a target.
class TransportError : public std::runtime_error {
  public:
    TransportError(Failure failure, bool request_sent, const std::string &detail)
        : std::runtime_error(detail), failure_(failure), request_sent_(request_sent) {}
    Failure failure() const { return failure_; }
    // True when some of the request may have reached the server, so that
    // repeating it could repeat its effect.
    bool request_sent() const { return request_sent_; }

  private:
    Failure failure_;
    bool request_sent_;
};

// The CA certificates to trust cannot be loaded: the configured CA file
// (file()) is missing, not a regular file, or holds no PEM certificate, or
// the system's store cannot be read (file() is empty). what() says which
// and why, in words for an administrator.
class TrustStoreError : public std::runtime_error {
  public:
    TrustStoreError(std::string file, const std::string &detail)
        : std::runtime_error(detail), file_(std::move(file)) {}
    const std::string &file() const { return file_; }

  private:
    std::string file_;
};

}  // namespace wisepay::http
