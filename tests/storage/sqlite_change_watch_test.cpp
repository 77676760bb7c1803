// ChangeWatch on a real SQLite file: a commit by the store's own connection,
// by another one, or by another process (python3's sqlite3 module) is
// reported once to each of the watch's connections, and a read is not; of
// threads checking at once, one runs on_change and none goes on before it ends.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "storage/sqlite/change_watch.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/temp_dir.h"

using namespace wisepay::storage;
using wisepay::test::TempDir;

namespace {

SavePlanner enable(bool on) {
    return [on](const SettingsRecord &current) {
        PlannedSave planned{current, "{}"};
        planned.next.enabled = on;
        return planned;
    };
}

Deadline soon() {
    return std::chrono::steady_clock::now() + std::chrono::seconds(30);
}

// How many times `watch` reports a change to this thread.
int changes_seen(ChangeWatch &watch) {
    int seen = 0;
    watch.check([&] { ++seen; });
    return seen;
}

}  // namespace

TEST_CASE("a change watch reports a commit by any connection once, and nothing else") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    SqliteStore store(path);
    ChangeWatch watch(path, 1);

    CHECK(changes_seen(watch) == 1);  // a new connection has never looked
    CHECK(changes_seen(watch) == 0);
    store.load("acme", soon());  // reads do not count
    CHECK(changes_seen(watch) == 0);

    store.save("acme", "ann", 0, enable(true), soon());  // the store's own connection
    CHECK(changes_seen(watch) == 1);
    CHECK(changes_seen(watch) == 0);

    SqliteStore other(path);  // another connection
    other.save("acme", "bob", 1, enable(false), soon());
    CHECK(changes_seen(watch) == 1);
    CHECK(changes_seen(watch) == 0);

    // Another process, with its own SQLite library.
    const std::string command =
        "python3 -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
        "c.execute('CREATE TABLE probe(x)'); c.commit()\" '" +
        path + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    CHECK(changes_seen(watch) == 1);

    // A checkpoint that empties the WAL changes nothing that was committed;
    // it may be reported (a needless reload) but must not hide what follows.
    SQLite::Database(path, SQLite::OPEN_READWRITE).exec("PRAGMA wal_checkpoint(TRUNCATE)");
    changes_seen(watch);
    store.save("acme", "ann", 2, enable(true), soon());
    CHECK(changes_seen(watch) == 1);
    CHECK(changes_seen(watch) == 0);
}

TEST_CASE("concurrent checks of a change watch run on_change once per commit, and wait for it") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    SqliteStore store(path);
    ChangeWatch watch(path, 1);
    changes_seen(watch);

    for (int round = 0; round < 20; ++round) {
        store.save("acme", "ann", round, enable(round % 2 == 0), soon());
        std::atomic<int> reported{0};
        std::atomic<bool> dropped{false};
        std::atomic<int> saw_before_drop{0};
        std::vector<std::thread> checkers;
        for (int i = 0; i < 6; ++i) {
            checkers.emplace_back([&] {
                watch.check([&] {
                    ++reported;
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                    dropped = true;
                });
                // Whoever returns from check must find on_change finished.
                if (!dropped)
                    ++saw_before_drop;
            });
        }
        for (auto &t : checkers)
            t.join();
        CHECK(reported == 1);
        CHECK(saw_before_drop == 0);
    }
}

TEST_CASE("every connection of a change watch reports a commit made before its next look") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    SqliteStore store(path);
    ChangeWatch watch(path, 4);

    // Eight threads spread over the four connections (a thread moves off its
    // own only when another holds it, so none is left out); after a commit,
    // each connection reports it exactly once.
    store.save("acme", "ann", 0, enable(true), soon());
    for (int round = 0; round < 3; ++round) {
        // Every connection looks once, so all are up to date...
        std::vector<std::thread> lookers;
        for (int i = 0; i < 8; ++i)
            lookers.emplace_back([&] { changes_seen(watch); });
        for (auto &t : lookers)
            t.join();

        store.save("acme", "ann", round + 1, enable(round % 2 == 0), soon());
        // ...and after a commit, a look from any thread reports it.
        std::atomic<int> reported{0};
        std::vector<std::thread> checkers;
        for (int i = 0; i < 8; ++i)
            checkers.emplace_back([&] { reported += changes_seen(watch); });
        for (auto &t : checkers)
            t.join();
        CHECK(reported == 4);
    }
}

TEST_CASE("a change watch on a missing database fails with a storage error") {
    TempDir dir;
    ChangeWatch watch(dir.file("never-made.db"), 1);
    CHECK_THROWS_AS(watch.check([] {}), StorageError);
}
