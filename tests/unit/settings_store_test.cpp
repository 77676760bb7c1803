#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <sys/stat.h>

#include <filesystem>

#include "storage/settings_store.h"
#include "tests/support/temp_dir.h"

using namespace wisepay::storage;
using wisepay::test::TempDir;

namespace {

SavePlanner enable(bool on, std::string changes = "{}") {
    return [on, changes](const SettingsRecord &current) {
        PlannedSave p{current, changes};
        p.next.enabled = on;
        return p;
    };
}

}  // namespace

TEST_CASE("a new database is owner-only, in WAL mode, at the current schema version") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    SettingsStore store(path);
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);

    SQLite::Database db(path);
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == current_schema_version());
    CHECK(db.tableExists("settings"));
    CHECK(db.tableExists("audit"));
}

TEST_CASE("creating the database leaves nothing else in its folder") {
    TempDir dir;
    SettingsStore store(dir.file("settings.db"));
    CHECK(store.opening_notes().empty());
    for (const auto &entry : std::filesystem::directory_iterator(dir.path())) {
        const std::string name = entry.path().filename().string();
        CHECK((name == "settings.db" || name == "settings.db-wal" || name == "settings.db-shm"));
    }
}

TEST_CASE("an existing database that others may read is made owner-only, and says so") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    { SettingsStore first(path); }  // closing the last connection removes -wal and -shm
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    SettingsStore store(path);
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    for (const std::string suffix : {"-wal", "-shm"}) {
        REQUIRE(::stat((path + suffix).c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);
    }
    REQUIRE(store.opening_notes().size() == 1);
    CHECK(store.opening_notes()[0].find("mode 0644") != std::string::npos);
    CHECK(store.opening_notes()[0].find("owner-only (0600)") != std::string::npos);

    SettingsStore again(path);  // nothing left to say
    CHECK(again.opening_notes().empty());
}

TEST_CASE("a tenant that never saved reads as version 0, disabled, without key") {
    TempDir dir;
    SettingsStore store(dir.file("settings.db"));
    SettingsRecord r = store.load("acme");
    CHECK(r.tenant_id == "acme");
    CHECK(r.version == 0);
    CHECK_FALSE(r.enabled);
    CHECK_FALSE(r.api_key);
}

TEST_CASE("saves bump the version, write an audit row, and survive reopening") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    {
        SettingsStore store(path);
        SettingsRecord first =
            store.save("acme", "ann@example.com", 0, [](const SettingsRecord &c) {
                PlannedSave p{c, R"({"api_key":"set"})"};
                p.next.api_key = SealedKey{{1, 2, 3}, "kid", "WXYZ"};
                p.next.enabled = true;
                return p;
            });
        CHECK(first.version == 1);
        CHECK(first.updated_by == "ann@example.com");
        CHECK(store.save("acme", "bob@example.com", 1, enable(false)).version == 2);
    }
    SettingsStore reopened(path);
    SettingsRecord r = reopened.load("acme");
    CHECK(r.version == 2);
    CHECK_FALSE(r.enabled);
    REQUIRE(r.api_key);
    CHECK(r.api_key->blob == std::vector<unsigned char>{1, 2, 3});
    CHECK(r.api_key->key_id == "kid");
    CHECK(r.api_key->last4 == "WXYZ");
    CHECK(r.updated_by == "bob@example.com");

    auto trail = reopened.audit_trail("acme", 10);
    REQUIRE(trail.size() == 2);
    CHECK(trail[0].version == 2);
    CHECK(trail[0].actor == "bob@example.com");
    CHECK(trail[1].changes_json == R"({"api_key":"set"})");
    CHECK(reopened.load("globex").version == 0);  // tenants are separate
}

TEST_CASE("a save against a stale version is a conflict and writes nothing") {
    TempDir dir;
    SettingsStore store(dir.file("settings.db"));
    store.save("acme", "ann", 0, enable(true));
    try {
        store.save("acme", "bob", 0, enable(false));
        FAIL("stale save was accepted");
    } catch (const ConflictError &e) {
        CHECK(e.current().version == 1);
        CHECK(e.current().updated_by == "ann");
    }
    CHECK(store.load("acme").enabled);
    CHECK(store.audit_trail("acme", 10).size() == 1);
}

TEST_CASE("a planner that throws abandons the save") {
    TempDir dir;
    SettingsStore store(dir.file("settings.db"));
    CHECK_THROWS_AS(store.save("acme", "ann", 0,
                               [](const SettingsRecord &) -> PlannedSave {
                                   throw std::runtime_error("invalid");
                               }),
                    std::runtime_error);
    CHECK(store.load("acme").version == 0);
    CHECK(store.audit_trail("acme", 10).empty());
    // The store is still usable: the failed transaction was rolled back.
    CHECK(store.save("acme", "ann", 0, enable(true)).version == 1);
}

TEST_CASE("a database from a newer plugin is refused, not damaged") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    { SettingsStore store(path); }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version = 99");
    }
    try {
        SettingsStore store(path);
        FAIL("opened a newer schema");
    } catch (const StorageError &e) {
        CHECK_THAT(e.what(), Catch::Contains("schema version 99"));
    }
    SQLite::Database db(path);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 99);
}

TEST_CASE("an unusable path is a storage error") {
    CHECK_THROWS_AS(SettingsStore("/nonexistent-dir/settings.db"), StorageError);
    CHECK_THROWS_AS(SettingsStore(""), StorageError);
}

TEST_CASE("timestamps are ISO-8601 UTC with milliseconds") {
    const std::string now = utc_now_iso8601();
    CHECK(now.size() == 24);
    CHECK(now[10] == 'T');
    CHECK(now.back() == 'Z');
}
