#include "storage/database.h"

#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace wisepay::storage {
namespace {

// Forward-only migrations: entry i takes the schema from version i to i + 1.
// Never edit a shipped entry; append a new one.
constexpr std::array kMigrations = {
    // 1: settings per tenant, and the audit trail of every save.
    R"sql(
CREATE TABLE settings (
    tenant_id       TEXT PRIMARY KEY NOT NULL,
    version         INTEGER NOT NULL CHECK (version > 0),
    enabled         INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    api_key_sealed  BLOB,
    api_key_key_id  TEXT,
    api_key_last4   TEXT,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    CHECK ((api_key_sealed IS NULL) = (api_key_key_id IS NULL))
) STRICT;
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    changes     TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_tenant ON audit (tenant_id, id);
)sql",
};

constexpr int kBusyTimeoutMs = 5000;

// SQLite creates the file with the process umask; settings hold sealed
// secrets, so the file is made owner-only before SQLite sees it. SQLite gives
// its -wal and -shm files the same mode as the database file.
void create_owner_only(const std::string &path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw StorageError("cannot open settings database '" + path + "': " + std::strerror(errno));
    }
    ::close(fd);
}

void migrate(SQLite::Database &db) {
    const int known = static_cast<int>(kMigrations.size());
    for (;;) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        // Read inside the write lock so two processes never apply one step twice.
        const int version = db.execAndGet("PRAGMA user_version").getInt();
        if (version > known) {
            throw StorageError("settings database has schema version " + std::to_string(version) +
                               " but this plugin knows only up to " + std::to_string(known) +
                               "; upgrade the plugin");
        }
        if (version == known) {
            return;  // the transaction rolls back: it wrote nothing
        }
        db.exec(kMigrations[static_cast<std::size_t>(version)]);
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        tx.commit();
    }
}

}  // namespace

int current_schema_version() {
    return static_cast<int>(kMigrations.size());
}

SQLite::Database open_database(const std::string &path) {
    if (path.empty()) {
        throw StorageError("settings database path is empty");
    }
    create_owner_only(path);
    try {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs);
        // journal_mode answers with the mode in force; anything but wal means
        // the file system cannot do WAL and the durability story is different.
        const std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
        if (mode != "wal") {
            throw StorageError("settings database could not switch to WAL (mode is " + mode + ")");
        }
        db.exec("PRAGMA synchronous = FULL");
        db.exec("PRAGMA foreign_keys = ON");
        migrate(db);
        return db;
    } catch (const SQLite::Exception &e) {
        throw StorageError("cannot open settings database '" + path + "': " + e.what());
    }
}

}  // namespace wisepay::storage
