// The benchmark server's network side: one thread, one epoll set, and
// non-blocking TLS connections on 127.0.0.1 that keep HTTP/1.1 connections
// alive. Nothing is shared with another thread, so nothing is locked.
//
// It also records, per client (told apart by User-Agent), the TLS version
// and cipher each connection negotiated and whether its handshake resumed a
// session, so the benchmark can show that every client got the same TLS and
// that reconnections really resumed.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bench/server/answers.h"

namespace wisepay::bench::server {

struct ClientTls {
    std::string version;  // of the latest connection, e.g. "TLSv1.3"
    std::string cipher;   // e.g. "TLS_AES_256_GCM_SHA384"
    std::uint64_t full_handshakes = 0;
    std::uint64_t resumed_handshakes = 0;
    std::uint64_t requests = 0;
};

class TlsServer {
  public:
    // Loads the certificate chain and key (PEM files) and listens on
    // 127.0.0.1 at a port the kernel picks. Throws std::runtime_error.
    TlsServer(const std::string &cert_file, const std::string &key_file);
    ~TlsServer();
    TlsServer(const TlsServer &) = delete;
    TlsServer &operator=(const TlsServer &) = delete;

    std::uint16_t port() const { return port_; }

    // Serves until `control_fd` reaches end of file. Each line read from it
    // is handed to `on_command` after the network events that arrived with
    // it, so a command may close connections safely.
    void run(Answers &answers, int control_fd,
             const std::function<void(std::string_view)> &on_command);

    // Closes every connection that is idle (between requests), as a server
    // dropping idle connections would, and returns how many. The close is a
    // plain TCP close without a TLS close_notify: libcurl 7.88 takes a
    // connection with a close_notify waiting for a live one (its check
    // peeks one byte), sends on it and retries on a new connection, and it
    // counts such retries over the handle's whole life, failing the sixth.
    // On end of file alone, every client sees before reuse that the
    // connection is gone.
    int close_idle();

    const std::map<std::string, ClientTls, std::less<>> &clients() const { return clients_; }
    std::uint64_t requests() const { return requests_; }
    std::size_t open_connections() const { return connections_.size(); }

  private:
    struct Connection;

    void accept_all();
    void on_event(Connection &c, std::uint32_t events);
    bool handshake(Connection &c);
    void read_and_serve(Connection &c);
    bool serve_buffered(Connection &c);
    enum class Flush { kDone, kPending, kClosed };  // kClosed: `c` is gone
    Flush flush(Connection &c);
    void want(Connection &c, std::uint32_t events);
    void close(Connection &c);

    SSL_CTX *ctx_ = nullptr;
    int listener_ = -1;
    int epoll_ = -1;
    std::uint16_t port_ = 0;
    Answers *answers_ = nullptr;
    std::unordered_map<int, std::unique_ptr<Connection>> connections_;
    std::map<std::string, ClientTls, std::less<>> clients_;
    std::uint64_t requests_ = 0;
};

}  // namespace wisepay::bench::server
