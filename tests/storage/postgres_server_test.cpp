// The tests' own PostgreSQL server: it must really start, serve, keep what
// was committed across a stop and a SIGKILL, and go away afterwards.
#include <signal.h>

#include <catch2/catch.hpp>
#include <string>

#include "tests/support/postgres_server.h"

using wisepay::test::PostgresServer;

TEST_CASE("the test PostgreSQL server serves, keeps commits across stop and kill, and stops") {
    std::string db;
    {
        PostgresServer server;
        db = server.create_database();
        server.psql(db, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)");
        CHECK(server.psql(db, "SELECT sum(x) FROM t") == "1\n");

        server.stop();
        CHECK_THROWS(server.psql(db, "SELECT 1"));
        server.start();
        server.psql(db, "INSERT INTO t VALUES (2)");

        server.kill();  // committed before the kill: kept
        CHECK_FALSE(server.running());
        server.start();
        CHECK(server.psql(db, "SELECT sum(x) FROM t") == "3\n");
        CHECK(server.log().find("database system is ready to accept connections") !=
              std::string::npos);
    }
    // Gone with the object.
    CHECK_THROWS(PostgresServer().psql(db, "SELECT 1"));
}
