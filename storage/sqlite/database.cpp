// Opening the SQLite settings file. Each migration runs in its own IMMEDIATE
// transaction and bumps PRAGMA user_version, so processes that open a new
// file together apply it once. A new file is made mode 0600 under a
// temporary name and renamed into place unless a file appeared there meanwhile.
#include "storage/sqlite/database.h"

#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

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
    // 2: what the last clicks found, kept with the tenant's row.
    R"sql(
ALTER TABLE settings ADD COLUMN health_problem TEXT;
ALTER TABLE settings ADD COLUMN health_since TEXT;
ALTER TABLE settings ADD COLUMN health_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settings ADD COLUMN health_last_success TEXT;
)sql",
};

constexpr int kBusyTimeoutMs = 5000;

std::string octal(mode_t mode) {
    char text[16];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode));
    return text;
}

std::string errno_text() {
    return std::strerror(errno);
}

// A file made from scratch under a name nobody else knows, then moved to
// `path` unless something is there by now. The only descriptor this opens
// and closes is the new file's, before any connection can have it.
// Returns false when `path` existed after all.
bool create_new_owner_only(const std::string &path) {
    const std::size_t slash = path.rfind('/');
    std::string temporary =
        (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) +
        ".wisepay-new-XXXXXX";
    const int fd = ::mkstemp(temporary.data());  // mode 0600
    if (fd < 0) {
        throw StorageError("cannot create settings database '" + path + "': " + errno_text());
    }
    ::close(fd);
    int moved = ::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
    if (moved != 0 && (errno == EINVAL || errno == ENOSYS)) {
        // A file system without RENAME_NOREPLACE: a hard link refuses an
        // existing name just the same.
        moved = ::link(temporary.c_str(), path.c_str());
    }
    const int error = moved == 0 ? 0 : errno;
    ::unlink(temporary.c_str());  // after a rename it is gone already
    if (error == EEXIST) {
        return false;
    }
    if (error != 0) {
        throw StorageError("cannot create settings database '" + path +
                           "': " + std::strerror(error));
    }
    return true;
}

// Settings hold sealed secrets, so the database and the -wal and -shm files
// beside it (which SQLite creates with the database's mode) are owner-only.
// A file that others may read is made owner-only by path: chmod touches no
// descriptor, so the locks of connections that have it open stay.
void restrict_to_owner(const std::string &path, std::vector<std::string> &notes) {
    for (const std::string &file : {path, path + "-wal", path + "-shm"}) {
        struct stat info {};
        if (::stat(file.c_str(), &info) != 0) {
            if (errno == ENOENT && file != path)
                continue;
            throw StorageError("cannot check settings database '" + file + "': " + errno_text());
        }
        const mode_t mode = info.st_mode & 07777;
        if ((mode & 077) == 0)
            continue;
        const mode_t owner_only = mode & 0700;
        if (::chmod(file.c_str(), owner_only) != 0) {
            throw StorageError("settings database file '" + file +
                               "' can be read by other users (mode " + octal(mode) +
                               ") and its mode cannot be changed (" + errno_text() +
                               "); make it owner-only with chmod 600");
        }
        notes.push_back("settings database file '" + file +
                        "' could be read by other users (mode " + octal(mode) +
                        "); made it owner-only (" + octal(owner_only) + ")");
    }
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

SQLite::Database open_database(const std::string &path, std::vector<std::string> &notes) {
    if (path.empty()) {
        throw StorageError("settings database path is empty");
    }
    if (!create_new_owner_only(path)) {
        restrict_to_owner(path, notes);
    }
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
