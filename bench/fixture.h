// What every measurement runs against: a CA and a certificate for 127.0.0.1
// made at start (tests/support/test_pki.h), the benchmark server in its own
// process with the merchant's API key and the payer, and the Target the
// clients are given. The CA file and the server's key live in a temporary
// directory that goes with the fixture.
#pragma once

#include <memory>
#include <string>

#include "bench/clients.h"
#include "bench/server_process.h"
#include "tests/support/temp_dir.h"

namespace wisepay::bench {

// The one merchant key the benchmark server accepts; every tenant the
// benchmark saves uses it (a save checks a new key with Wise-Pay).
inline constexpr const char *kBenchApiKey = "wp_live_BENCHkey_0001";

class Fixture {
  public:
    // Starts the server pinned to `server_cpu` (-1: not pinned).
    explicit Fixture(int server_cpu);

    const Target &target() const { return target_; }
    ServerProcess &server() { return *server_; }
    // A path for a file of the benchmark's own (a database, say).
    std::string file(const std::string &name) const { return dir_.file(name); }

  private:
    test::TempDir dir_;
    Target target_;
    std::unique_ptr<ServerProcess> server_;
};

}  // namespace wisepay::bench
