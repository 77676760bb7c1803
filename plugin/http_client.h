// HTTPS client for server-to-server calls: Boost.Beast over OpenSSL, peer and
// host name verification always on, a deadline per call covering connect,
// TLS and the answer, and a keep-alive connection pool shared by all threads.
// It knows nothing of Wise-Pay; retry policy belongs to the caller.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "plugin/url.h"

namespace wisepay::http {

struct ClientOptions {
    std::string ca_file;            // empty: the system's CA store
    bool allow_plain_http = false;  // http:// only when true (local demos)
    std::string user_agent;
    std::size_t max_response_body = 64 * 1024;
    std::size_t max_response_header = 16 * 1024;
    std::size_t max_idle_per_origin = 16;
    // Idle connections are dropped before a server would likely close them.
    std::chrono::seconds idle_timeout{60};
};

struct Request {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    Url url;
    // Header values may hold secrets (Authorization); they are copied only
    // into wiping buffers.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct Response {
    unsigned status = 0;
    std::string body;
    std::string retry_after;
    std::string content_type;
    bool reused_connection = false;
    bool tls_session_resumed = false;
};

enum class Failure {
    kConnect,         // name resolution or TCP connect failed: nothing was sent
    kTls,             // handshake failed: untrusted certificate, wrong host name, protocol
    kTimeout,         // the deadline passed
    kConnectionLost,  // the connection broke before a complete answer
    kProtocol,        // the answer is not valid HTTP
    kBodyTooLarge,    // the answer's header or body is over its limit
    kRefused,         // the request cannot be sent as asked (e.g. http without opt-in)
};

// A failure to get an answer. The message names the origin and the reason,
// never a header value or a body.
class TransportError : public std::runtime_error {
  public:
    TransportError(Failure failure, const std::string &message)
        : std::runtime_error(message), failure_(failure) {}
    Failure failure() const { return failure_; }

  private:
    Failure failure_;
};

class Client {
  public:
    // Builds the one TLS context every connection shares. No network I/O.
    // Throws TransportError(kRefused) when the CA file cannot be loaded.
    explicit Client(ClientOptions options);
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // Sends one request and reads one complete answer before `deadline`, on
    // a pooled connection when one is idle, else a new one. A pooled
    // connection that fails before any byte of the answer arrives is
    // replaced by a new connection once (servers close idle connections
    // without notice). Thread-safe; no lock is held during I/O.
    Response send(const Request &request, std::chrono::steady_clock::time_point deadline);

    struct PoolStats {
        std::size_t idle = 0;
        std::uint64_t connects = 0;
        std::uint64_t reuses = 0;
        std::uint64_t tls_resumptions = 0;
    };
    PoolStats pool_stats() const;

    struct Connection;  // one socket (and TLS session) with its own io_context
    class Tls;          // the shared TLS context and resumable sessions

  private:
    std::unique_ptr<Connection> checkout(const std::string &origin);
    void checkin(const std::string &origin, std::unique_ptr<Connection> connection);
    std::unique_ptr<Connection> connect(const Url &url,
                                        std::chrono::steady_clock::time_point deadline);
    Response exchange(Connection &connection, const Request &request,
                      std::chrono::steady_clock::time_point deadline, bool &answer_started,
                      bool &keep_alive);

    ClientOptions options_;
    std::unique_ptr<Tls> tls_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
    PoolStats stats_;
};

}  // namespace wisepay::http
