// What only the PostgreSQL backend has to face: a server that goes away and
// comes back, one killed in the middle of commits, and connection strings
// with passwords in them. Each case starts a server of its own.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "storage/postgres/postgres_store.h"
#include "tests/support/postgres_server.h"

using namespace wisepay::storage;
using wisepay::test::PostgresServer;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

Deadline in(std::chrono::milliseconds budget) {
    return Clock::now() + budget;
}

SavePlanner enable(bool on) {
    return [on](const SettingsRecord &current) {
        PlannedSave p{current, "{}"};
        p.next.enabled = on;
        return p;
    };
}

}  // namespace

TEST_CASE("a password in the connection string never shows") {
    PostgresServer server;
    const std::string url = server.create_database();
    // The test server trusts loopback, so the password is ignored, but the
    // string still carries it.
    const std::string with_password =
        "postgresql://postgres:Sup3rSecretPw@127.0.0.1:" + std::to_string(server.port()) +
        url.substr(url.rfind('/'));
    PostgresStore store(with_password, 2, 10s, in(10s));
    CHECK(store.describe().find("Sup3rSecretPw") == std::string::npos);
    CHECK(store.describe().find("127.0.0.1") != std::string::npos);

    server.stop();
    try {
        store.load("acme", in(2s));
        FAIL("read from a stopped server");
    } catch (const StorageError &e) {
        CHECK(std::string(e.what()).find("Sup3rSecretPw") == std::string::npos);
    }
    try {
        PostgresStore unreachable(with_password, 2, 10s, in(2s));
        FAIL("opened a stopped server");
    } catch (const StorageError &e) {
        CHECK(std::string(e.what()).find("Sup3rSecretPw") == std::string::npos);
    }
}

TEST_CASE("a stopped server fails calls within their deadline; they recover when it is back") {
    PostgresServer server;
    PostgresStore store(server.create_database(), 4, 10s, in(10s));
    store.save("acme", "ann", 0, enable(true), in(10s));

    server.stop();
    for (int i = 0; i < 3; ++i) {
        const auto started = Clock::now();
        CHECK_THROWS_AS(store.load("acme", in(1500ms)), StorageError);
        CHECK_THROWS_AS(store.save("acme", "ann", 1, enable(false), in(1500ms)), StorageError);
        CHECK(Clock::now() - started < 6s);  // both within their deadline, with slack
    }

    server.start();
    CHECK(store.load("acme", in(10s))->enabled);
    CHECK(store.save("acme", "ann", 1, enable(false), in(10s)).version == 2);
}

TEST_CASE("a server killed during a stream of saves keeps every acknowledged one") {
    PostgresServer server;
    const std::string url = server.create_database();
    PostgresStore store(url, 4, 10s, in(10s));
    constexpr int kThreads = 4;
    const int kills = 5;
    std::mt19937 random(std::random_device{}());

    std::mutex mutex;
    std::set<std::string> acknowledged, unknown, refused;  // by actor, one per attempt
    std::atomic<bool> stop{false};
    std::atomic<long> attempts{0};
    std::vector<std::thread> savers;
    for (int t = 0; t < kThreads; ++t) {
        savers.emplace_back([&, t] {
            std::string tenant("tenant");  // (appended: GCC 12 warns falsely on "t" + ...)
            tenant += std::to_string(t);
            for (long n = 0; !stop; ++n) {
                std::string actor("t");
                actor += std::to_string(t) + "-" + std::to_string(n);
                ++attempts;
                std::int64_t from = 0;
                try {
                    from = store.load(tenant, in(2s))->version;
                } catch (const StorageError &) {
                    std::this_thread::sleep_for(5ms);
                    continue;  // no save attempted
                }
                try {
                    store.save(tenant, actor, from, enable(n % 2 == 0), in(2s));
                    std::lock_guard lock(mutex);
                    acknowledged.insert(actor);
                } catch (const CommitUnknownError &) {
                    std::lock_guard lock(mutex);
                    unknown.insert(actor);
                } catch (const StorageError &) {
                    std::lock_guard lock(mutex);
                    refused.insert(actor);
                }
            }
        });
    }
    for (int kill = 0; kill < kills; ++kill) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 300));
        server.kill();
        std::this_thread::sleep_for(50ms);
        server.start();
    }
    std::this_thread::sleep_for(200ms);
    stop = true;
    for (auto &saver : savers)
        saver.join();

    // What is on disk, read from outside with psql after the last restart.
    std::set<std::string> stored;
    std::string rows = server.psql(url, "SELECT actor FROM wisepay.audit");
    for (std::size_t at = 0, end; (end = rows.find('\n', at)) != std::string::npos; at = end + 1)
        stored.insert(rows.substr(at, end - at));
    INFO(attempts << " attempts: " << acknowledged.size() << " acknowledged, " << unknown.size()
                  << " outcome unknown, " << refused.size() << " refused");
    CHECK(acknowledged.size() > 20);
    CHECK(refused.size() > 0);  // the server was really gone for a while
    for (const std::string &actor : acknowledged)
        CHECK(stored.count(actor) == 1);
    for (const std::string &actor : refused)
        CHECK(stored.count(actor) == 0);
    // Every row stored is one of the attempts, and a tenant's version is
    // its number of audit rows.
    for (const std::string &actor : stored)
        CHECK((acknowledged.count(actor) + unknown.count(actor)) == 1);
    CHECK(server.psql(url,
                      "SELECT count(*) FROM wisepay.settings s WHERE version <> (SELECT count(*) "
                      "FROM wisepay.audit a WHERE a.tenant_id = s.tenant_id)") == "0\n");
}
