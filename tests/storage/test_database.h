// A fresh, empty settings database for storage tests, on either backend:
// an SQLite file in a temporary folder, or a new database on a PostgreSQL
// server this test process started (one server per process, stopped when
// the process ends). The contract tests run every case on both.
#pragma once

#include <memory>
#include <string>

#include "storage/settings_store.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backend.h"

namespace wisepay::test {

class TestDatabase {
  public:
    explicit TestDatabase(Backend backend);

    Backend backend() const { return backend_; }
    const char *name() const { return backend_name(backend_); }
    const storage::StoreLocation &location() const { return location_; }

    // Opens a store on this database: each is what one plugin instance (or
    // one node of a fleet) would have.
    std::unique_ptr<storage::SettingsStore> open() const;

    // A table's name as SQL written from outside must spell it.
    std::string table(const std::string &name) const;
    // Runs `sql` with the backend's own command-line tool (sqlite3 or psql),
    // as an operator would, and returns what it printed ("|" between
    // columns, one row a line).
    std::string outside(const std::string &sql) const;

  private:
    Backend backend_;
    TempDir dir_;
    storage::StoreLocation location_;
};

storage::Deadline soon();  // a generous deadline for calls that should not wait

}  // namespace wisepay::test
