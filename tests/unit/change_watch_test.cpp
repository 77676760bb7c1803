#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "storage/change_watch.h"
#include "storage/settings_store.h"
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
    SettingsStore store(path);
    ChangeWatch watch(path, 1);

    CHECK(changes_seen(watch) == 1);  // a new connection has never looked
    CHECK(changes_seen(watch) == 0);
    store.load("acme");  // reads do not count
    CHECK(changes_seen(watch) == 0);

    store.save("acme", "ann", 0, enable(true));  // the store's own connection
    CHECK(changes_seen(watch) == 1);
    CHECK(changes_seen(watch) == 0);

    SettingsStore other(path);  // another connection, as another process would have
    other.save("acme", "bob", 1, enable(false));
    CHECK(changes_seen(watch) == 1);
    CHECK(changes_seen(watch) == 0);
}

TEST_CASE("every connection of a change watch reports a commit made before its next look") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    SettingsStore store(path);
    ChangeWatch watch(path, 4);

    // Eight threads spread over the four connections (a thread moves off its
    // own only when another holds it, so none is left out); after a commit,
    // each connection reports it exactly once.
    store.save("acme", "ann", 0, enable(true));
    for (int round = 0; round < 3; ++round) {
        // Every connection looks once, so all are up to date...
        std::vector<std::thread> lookers;
        for (int i = 0; i < 8; ++i)
            lookers.emplace_back([&] { changes_seen(watch); });
        for (auto &t : lookers)
            t.join();

        store.save("acme", "ann", round + 1, enable(round % 2 == 0));
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
