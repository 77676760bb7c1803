// The libpq layer against a real PostgreSQL server the test starts itself.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "storage/postgres/pq.h"
#include "tests/support/postgres_server.h"

using namespace wisepay::storage::pq;
using wisepay::test::PostgresServer;
using namespace std::chrono_literals;

namespace {

Deadline in(std::chrono::milliseconds budget) {
    return Clock::now() + budget;
}

Fault fault_of(const std::function<void()> &call) {
    try {
        call();
    } catch (const PqError &e) {
        return e.fault();
    }
    FAIL("no PqError");
    return Fault::kStatement;
}

}  // namespace

TEST_CASE("a connection runs statements with text and binary parameters") {
    PostgresServer server;
    auto connection = Connection::open(server.create_database(), in(10s));
    connection->exec("CREATE TABLE t (id text PRIMARY KEY, n bigint, b bytea, f boolean)", in(10s));
    const std::vector<unsigned char> bytes = {0x00, 0x01, 0xff, '\\', 'x', 0x00};
    Result inserted = connection->exec(
        "INSERT INTO t VALUES ($1, $2, $3, $4)",
        {Param::of("a'b"), Param::of(std::int64_t{-42}), Param::bytes(bytes), Param::of("true")},
        in(10s));
    CHECK(inserted.affected() == 1);
    Result row = connection->exec("SELECT id, n, b, f, NULL FROM t", in(10s));
    REQUIRE(row.rows() == 1);
    CHECK(row.text(0, 0) == "a'b");
    CHECK(row.int64(0, 1) == -42);
    CHECK(row.bytes(0, 2) == bytes);
    CHECK(row.boolean(0, 3));
    CHECK(row.is_null(0, 4));
    CHECK(connection->usable());
}

TEST_CASE("a refused statement names its SQLSTATE and leaves the connection usable") {
    PostgresServer server;
    auto connection = Connection::open(server.create_database(), in(10s));
    connection->exec("CREATE TABLE t (id int PRIMARY KEY)", in(10s));
    connection->exec("INSERT INTO t VALUES (1)", in(10s));
    try {
        connection->exec("INSERT INTO t VALUES (1)", in(10s));
        FAIL("a duplicate key was accepted");
    } catch (const PqError &e) {
        CHECK(e.fault() == Fault::kStatement);
        CHECK(e.sqlstate() == "23505");
    }
    CHECK(connection->usable());
    CHECK(connection->exec("SELECT 1", in(10s)).rows() == 1);
}

TEST_CASE("a statement that outlives its deadline is abandoned, with its connection") {
    PostgresServer server;
    auto connection = Connection::open(server.create_database(), in(10s));
    const auto started = Clock::now();
    CHECK(fault_of([&] { connection->exec("SELECT pg_sleep(30)", in(300ms)); }) == Fault::kTimeout);
    CHECK(Clock::now() - started < 10s);
    CHECK_FALSE(connection->usable());
}

TEST_CASE("a stopped server is unreachable, and a pool recovers once it is back") {
    PostgresServer server;
    const std::string url = server.create_database();
    Pool pool(url, 2);
    { CHECK(pool.lease(in(10s))->exec("SELECT 1", in(10s)).rows() == 1); }

    server.stop();
    CHECK(fault_of([&] { pool.lease(in(2s))->exec("SELECT 1", in(2s)); }) == Fault::kUnreachable);
    CHECK(fault_of([&] { Connection::open(url, in(2s)); }) == Fault::kUnreachable);

    server.start();
    // The idle connection from before the stop is dropped, not used.
    CHECK(pool.lease(in(10s))->exec("SELECT 1", in(10s)).rows() == 1);

    server.kill();
    server.start();
    CHECK(pool.lease(in(10s))->exec("SELECT 1", in(10s)).rows() == 1);
}

TEST_CASE("a pool opens at most its size, and a lease waits for one to come free") {
    PostgresServer server;
    Pool pool(server.create_database(), 2);
    auto first = pool.lease(in(10s));
    auto second = pool.lease(in(10s));
    CHECK(fault_of([&] { pool.lease(in(200ms)); }) == Fault::kTimeout);

    std::atomic<bool> leased{false};
    std::thread waiter([&] {
        auto third = pool.lease(in(10s));
        leased = true;
    });
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(leased);
    { auto done = std::move(first); }  // given back
    waiter.join();
    CHECK(leased);
}

TEST_CASE("connection strings are checked, and described without their password") {
    std::string reason;
    auto parsed = parse_conninfo(
        "postgresql://app:s3cret-pw@db.example:6543/portal?sslmode=verify-full", &reason);
    REQUIRE(parsed);
    CHECK(parsed->description == "postgresql://app@db.example:6543/portal");
    parsed = parse_conninfo("host=db.example user=app password=s3cret-pw dbname=portal", &reason);
    REQUIRE(parsed);
    CHECK(parsed->description == "postgresql://app@db.example/portal");

    for (const std::string bad : {"postgresql://app:s3cret%zz@db/portal", "host=db password",
                                  "postgresql://db/portal?no_such_option=1"}) {
        reason.clear();
        CHECK_FALSE(parse_conninfo(bad, &reason));
        CHECK_FALSE(reason.empty());
        CHECK(reason.find("s3cret") == std::string::npos);
    }
}
