// The benchmark server (bench/server) as a child process: started with the
// certificate, the API key and the payers, pinned to a CPU of its own when
// there is one, and spoken to by one-line commands over its stdin and
// stdout. It dies with the benchmark (PR_SET_PDEATHSIG) and stops when its
// stdin closes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace wisepay::bench {

struct ServerOptions {
    std::string cert_file, key_file;
    std::string api_key;
    std::vector<std::string> payers;
    int cpu = -1;  // -1: not pinned
};

class ServerProcess {
  public:
    // Starts it and waits until it listens. Exits the benchmark on failure.
    explicit ServerProcess(const ServerOptions &options);
    ~ServerProcess();
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    std::uint16_t port() const { return port_; }

    struct Usage {
        double cpu_us = 0;  // the server's own CPU time so far
        std::uint64_t requests = 0;
    };
    Usage usage();

    // Per client (User-Agent): the TLS it negotiated and its handshakes.
    struct ClientTls {
        std::string user_agent, version, cipher;
        std::uint64_t full_handshakes = 0, resumed_handshakes = 0, requests = 0;
    };
    std::vector<ClientTls> clients();
    // The entry whose User-Agent starts with `prefix` (empty when none).
    ClientTls client(const std::string &prefix);

    // Closes every idle connection (TCP close, no TLS close_notify; see
    // bench/server/tls_server.h), as a server dropping idle connections
    // would; returns when they are closed, with how many.
    int close_idle();

  private:
    std::string ask(const std::string &command);
    std::string read_line();

    pid_t pid_ = -1;
    std::FILE *to_ = nullptr;
    std::FILE *from_ = nullptr;
    std::uint16_t port_ = 0;
};

}  // namespace wisepay::bench
