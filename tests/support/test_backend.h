// Which settings database the plugin under test is configured with, so that
// one test source runs against both backends: an SQLite file, or a database
// on a PostgreSQL server this test process starts itself (on first use; it
// stops when the process ends).
//
// Tests name databases by file path, as they always have. On PostgreSQL each
// distinct path stands for a database of its own, so two instances given the
// same path share one database, as two given the same file do.
#pragma once

#include <string>
#include <vector>

#include "tests/support/postgres_server.h"

namespace wisepay::test {

enum class Backend { kSqlite, kPostgres };

// SQLite unless the test program chose otherwise (integration tests: the
// --backend option of their main).
Backend test_backend();
void use_backend(Backend backend);
const char *backend_name(Backend backend);

// The PostgreSQL server of this test process, started on first use.
PostgresServer &shared_postgres();

// The config member that names the database for `path` on the current
// backend: {"database_path", path} or {"database_url", <its database>}.
std::pair<std::string, std::string> database_member(const std::string &path);

// Everything stored for `path`, read from outside with the backend's own
// tool (sqlite3 or psql), every column as text and blobs as their bytes: for
// checks that something secret never reached the database.
std::string stored_text(const std::string &path);

// The audit rows for `path`, oldest first, as "tenant|actor|version|changes|".
std::vector<std::string> audit_rows(const std::string &path);

}  // namespace wisepay::test
