// Opening the SQLite settings database: file mode, pragmas and schema
// migrations.
#pragma once

#include <SQLiteCpp/Database.h>

#include <string>
#include <vector>

#include "storage/settings_store.h"

namespace wisepay::storage {

// The schema version this build writes (PRAGMA user_version).
int current_schema_version();

// Opens the database at `path`, switches it to WAL with synchronous=FULL and a
// busy timeout, and applies any migrations that are missing. Refuses a
// database written by a newer schema. A new database file is created mode
// 0600; an existing one (and its -wal and -shm files) that other users may
// read is made owner-only, and a sentence saying so is added to `notes`, for
// the log.
SQLite::Database open_database(const std::string &path, std::vector<std::string> &notes);

}  // namespace wisepay::storage
