// A PostgreSQL server for tests: a new cluster (initdb) in a temporary
// directory, served on 127.0.0.1 at a port the kernel picked, started and
// stopped by the test itself. Nothing depends on a server left running.
//
// When the tests run as root (PostgreSQL refuses to), the cluster belongs to
// the "postgres" user and the server runs as that user. The server is its
// own process group and is told to die with the test process, so a test
// that crashes does not leave it behind; the destructor stops it and
// removes the cluster, also when the test failed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/temp_dir.h"

namespace wisepay::test {

class PostgresServer {
  public:
    // initdb and start; throws std::runtime_error (with the server's log)
    // when either fails.
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    // A libpq connection URI for `database` as the superuser "postgres".
    std::string url(const std::string &database = "postgres") const;
    std::uint16_t port() const { return port_; }

    // Creates a new, empty database and returns its URI.
    std::string create_database();

    // Runs `sql` with the psql command-line tool (another process, as an
    // operator would) and returns what it printed: unaligned, tuples only,
    // "|" between columns. Throws when psql fails.
    std::string psql(const std::string &database_url, const std::string &sql) const;

    // A fast shutdown (clients are disconnected, nothing committed is lost),
    // waited for.
    void stop();
    // Starts the stopped (or killed) server again on the same port and data.
    // The server is told to die with the thread that started it: call this
    // (and the constructor) from a thread that outlives the server.
    void start();
    // SIGKILL to the server and every backend at once, as a crash would;
    // returns once all of them are gone. start() recovers from it.
    void kill();
    bool running() const { return postmaster_ > 0; }

    // The server's log so far, for test failure messages.
    std::string log() const;

  private:
    TempDir dir_;
    std::string data_;
    std::string log_file_;
    std::uint16_t port_ = 0;
    pid_t postmaster_ = -1;
    int databases_ = 0;
};

}  // namespace wisepay::test
