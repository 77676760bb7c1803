// wisepay_test_postgres: a PostgreSQL server for test scripts in other
// languages (tests/support/postgres_server.h as a process of its own). It
// prints a database URL on stdout once the server serves, and stops the
// server and removes its cluster when its stdin reaches end of file (or its
// parent dies).
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "tests/support/postgres_server.h"

int main() {
    try {
        wisepay::test::PostgresServer server;
        std::cout << server.create_database() << std::endl;
        for (std::string line; std::getline(std::cin, line);) {
        }
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "wisepay_test_postgres: %s\n", e.what());
        return 1;
    }
}
