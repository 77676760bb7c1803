// The integration tests' main: Catch2's, plus --backend, which chooses the
// settings database every plugin instance of the run is configured with
// (tests/support/test_backend.h). CTest registers each test twice, once per
// backend, so one source covers both.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <string>

#include "tests/support/test_backend.h"

int main(int argc, char *argv[]) {
    Catch::Session session;
    std::string backend = "sqlite";
    session.cli(session.cli() | Catch::clara::Opt(backend, "sqlite|postgres")["--backend"](
                                    "the database the plugin keeps settings in"));
    if (const int status = session.applyCommandLine(argc, argv); status != 0)
        return status;
    if (backend != "sqlite" && backend != "postgres") {
        std::fprintf(stderr, "--backend must be sqlite or postgres\n");
        return 2;
    }
    wisepay::test::use_backend(backend == "postgres" ? wisepay::test::Backend::kPostgres
                                                     : wisepay::test::Backend::kSqlite);
    return session.run();
}
