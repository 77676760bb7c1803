// What only the SQLite backend promises: the file's mode, WAL, the folder
// left as it was found. The promises both backends keep are in
// store_contract_test.cpp.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <sys/stat.h>

#include <filesystem>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/temp_dir.h"

using namespace wisepay::storage;
using wisepay::test::TempDir;

TEST_CASE("a new database is owner-only, in WAL mode, at the current schema version") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    SqliteStore store(path);
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
    SqliteStore store(dir.file("settings.db"));
    CHECK(store.opening_notes().empty());
    for (const auto &entry : std::filesystem::directory_iterator(dir.path())) {
        const std::string name = entry.path().filename().string();
        CHECK((name == "settings.db" || name == "settings.db-wal" || name == "settings.db-shm"));
    }
}

TEST_CASE("an existing database that others may read is made owner-only, and says so") {
    TempDir dir;
    const std::string path = dir.file("settings.db");
    { SqliteStore first(path); }  // closing the last connection removes -wal and -shm
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    SqliteStore store(path);
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

    SqliteStore again(path);  // nothing left to say
    CHECK(again.opening_notes().empty());
}

TEST_CASE("an unusable path is a storage error") {
    CHECK_THROWS_AS(SqliteStore("/nonexistent-dir/settings.db"), StorageError);
    CHECK_THROWS_AS(SqliteStore(""), StorageError);
}

TEST_CASE("timestamps are ISO-8601 UTC with milliseconds") {
    const std::string now = utc_now_iso8601();
    CHECK(now.size() == 24);
    CHECK(now[10] == 'T');
    CHECK(now.back() == 'Z');
}
