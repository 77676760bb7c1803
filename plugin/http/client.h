// An HTTP/1.1 client for server-to-server calls: Boost.Beast over OpenSSL,
// peer and host name verification always on, one deadline per call that
// covers DNS, connect, TLS and the answer, and a keep-alive connection pool
// shared by all threads. It knows nothing of any particular API; retry
// policy belongs to the caller.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugin/util/secret.h"
#include "plugin/util/url.h"
#include "plugin/util/wiping_memory.h"

namespace wisepay::http {

struct ClientOptions {
    std::string ca_file;            // empty: the system's CA store
    bool allow_plain_http = false;  // http:// URLs only when true (local demos)
    std::string user_agent;         // sent on every request
    std::size_t max_response_body = 64 * 1024;
    std::size_t max_response_header = 16 * 1024;
    std::size_t max_idle_per_origin = 16;  // 0: no keep-alive pool
    // Idle connections older than this are closed rather than reused, before
    // a server would likely close them on its side.
    std::chrono::seconds idle_timeout{60};
};

// A header field of a request. Its value may be a secret (Authorization), so
// it is held in a buffer that is wiped when the request goes.
struct Header {
    Header(std::string field_name, std::string_view field_value)
        : name(std::move(field_name)), value(field_value) {}
    Header(std::string field_name, SecretBytes field_value)
        : name(std::move(field_name)), value(std::move(field_value)) {}
    std::string name;
    SecretBytes value;
};

struct Request {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    Url url;
    // The client copies header values only into memory it wipes, and never
    // puts one in an error message. Host, Content-Length, Transfer-Encoding
    // and Connection are the client's own and refused here; a User-Agent
    // given here replaces the configured one.
    std::vector<Header> headers;
    std::string body;  // sent as-is, with Content-Length
};

// Bytes that may hold a secret and whose size is known only as they arrive
// (an answer's body carries a sign-in URL, or echoes the key back). A vector,
// not a string: its one heap block is wiped on release and when it grows,
// where a std::string keeps short contents inline, out of its allocator's
// reach.
using WipedBytes = std::vector<char, WipingAllocator<char>>;

struct Response {
    unsigned status = 0;
    WipedBytes body;
    std::string retry_after;         // the Retry-After header, "" when absent
    std::string content_type;        // the Content-Type header, "" when absent
    bool reused_connection = false;  // served on a pooled connection
    bool tls_session_resumed = false;

    std::string_view body_text() const { return {body.data(), body.size()}; }
};

enum class Failure {
    kConnect,         // name resolution or TCP connect failed: nothing was sent
    kTls,             // handshake failed: untrusted certificate, wrong host name, protocol
    kTimeout,         // the deadline passed, in any phase
    kConnectionLost,  // reset or EOF after the request was (maybe) sent, before a complete answer
    kProtocol,        // the answer is not valid HTTP
    kBodyTooLarge,    // the answer's body or header is over its limit
    kRefused,         // not sent: plain http without opt-in, or a malformed request
};

const char *to_string(Failure failure);

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

class Client {
  public:
    // Builds the one TLS context that every connection shares (tls_client,
    // TLS 1.2 at least, peer verification). No network I/O. Throws
    // TrustStoreError when the CAs cannot be loaded.
    explicit Client(ClientOptions options);
    // Closes pooled connections without a TLS close_notify; never blocks on
    // the network. Must not run while a send() is in progress. It can wait
    // for a name lookup that an earlier send() gave up on at its deadline
    // (the system resolver cannot be interrupted).
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // Sends one request and reads one complete answer, all before `deadline`,
    // on an idle pooled connection to the same scheme, host and port if there
    // is one, else on a new connection. If a pooled connection fails before
    // any byte of the answer arrives (servers close idle connections without
    // notice), the request is sent once more on a new connection; there are
    // no other retries. Throws only TransportError (and std::bad_alloc).
    // Thread-safe: no lock is held during I/O.
    Response send(const Request &request, std::chrono::steady_clock::time_point deadline);

    struct PoolStats {
        std::size_t idle = 0;               // connections waiting in the pool now
        std::uint64_t connects = 0;         // new connections made (TCP, and TLS if https)
        std::uint64_t reuses = 0;           // requests sent on a pooled connection
        std::uint64_t tls_resumptions = 0;  // new connections that resumed a TLS session
    };
    PoolStats pool_stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wisepay::http
