// The fake Wise-Pay (tests/support/fake_wisepay.h) as a process of its own,
// for tests that must keep it out of the host's memory: the core-dump test
// scans a host's memory for sign-in tokens, and the fake's own copies of
// them would be found there if it ran inside the host. The Python host's
// tests (examples/python_host) use it too.
//
//   fake_wisepay_server <token file> <api key> [--payer <email>]...
//                       [--server-errors <n>] [--escape-slashes]
//                       [--registration-path <path>] [--switched-off-key <key>]
//
// Serves one merchant with that key and those payers; --switched-off-key
// adds a second merchant, with that key, whose Desk Director integration is
// switched off in Wise-Pay. --server-errors makes
// the first n requests to Wise-Pay's endpoints fail with a 500 whose body
// echoes the key; --escape-slashes writes '/' in answers as "\/";
// --registration-path makes "payer not found" answers offer the payer
// registration link https://127.0.0.1:<port><path> (on the fake's own
// origin, which the plugin accepts as its portal). Prints
// "<port> <ca file>\n" on stdout once it serves, then runs until its stdin
// reaches end of file; then it writes every sign-in token it issued to
// <token file>, one a line, and exits 0.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>

#include "tests/support/fake_wisepay.h"

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: fake_wisepay_server <token file> <api key> [--payer <email>]... "
                 "[--server-errors <n>] [--escape-slashes] [--registration-path <path>] "
                 "[--switched-off-key <key>]\n");
    return 2;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 3)
        return usage();
    const std::string token_file = argv[1];
    const std::string api_key = argv[2];
    try {
        wisepay::test::FakeWisePay fake;
        fake.add_merchant(api_key, "Core Dump Test Merchant");
        for (int i = 3; i < argc; ++i) {
            const std::string option = argv[i];
            if (option == "--escape-slashes") {
                fake.escape_slashes(true);
                continue;
            }
            if (i + 1 >= argc)
                return usage();
            const char *value = argv[++i];
            if (option == "--payer") {
                fake.add_payer(api_key, value);
            } else if (option == "--registration-path") {
                fake.set_registration_url("https://127.0.0.1:" + std::to_string(fake.port()) +
                                          value);
            } else if (option == "--switched-off-key") {
                fake.add_merchant(value, "Switched-Off Merchant", /*integration_enabled=*/false);
            } else if (option == "--server-errors") {
                fake.set_fault(wisepay::test::FakeWisePay::Fault::kServerError, std::atoi(value));
            } else {
                return usage();
            }
        }
        std::printf("%u %s\n", static_cast<unsigned>(fake.port()), fake.ca_file().c_str());
        std::fflush(stdout);

        char ignored[256];
        while (::read(STDIN_FILENO, ignored, sizeof ignored) > 0) {
        }

        std::ofstream out(token_file, std::ios::trunc);
        for (const std::string &token : fake.issued_tokens())
            out << token << '\n';
        out.close();
        if (!out) {
            std::fprintf(stderr, "fake_wisepay_server: cannot write %s\n", token_file.c_str());
            return 1;
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "fake_wisepay_server: %s\n", e.what());
        return 1;
    }
    return 0;
}
