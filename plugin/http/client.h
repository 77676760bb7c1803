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

#include "plugin/http/errors.h"
#include "plugin/http/message.h"
#include "plugin/util/url.h"

namespace wisepay::http {

struct ClientOptions {
    std::string ca_file;                   // empty: the system's CA store
    bool allow_plain_http = false;         // http:// URLs only when true (local demos)
    std::string user_agent;                // sent on every request
    Limits limits;                         // on each answer's header and body
    std::size_t max_idle_per_origin = 16;  // 0: no keep-alive pool
    // Idle connections older than this are closed rather than reused, before
    // a server would likely close them on its side.
    std::chrono::seconds idle_timeout{60};
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
