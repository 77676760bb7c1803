// TestDatabase's two kinds: an SQLite file in its TempDir, or a new database
// on the process's shared PostgreSQL server. outside() runs sqlite3 or psql
// as another process, as an operator would.
#include "tests/storage/test_database.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace wisepay::test {

storage::Deadline soon() {
    return std::chrono::steady_clock::now() + std::chrono::seconds(30);
}

TestDatabase::TestDatabase(Backend backend) : backend_(backend) {
    if (backend_ == Backend::kSqlite)
        location_.sqlite_path = dir_.file("settings.db");
    else
        location_.postgres_url = shared_postgres().create_database();
}

std::unique_ptr<storage::SettingsStore> TestDatabase::open() const {
    return storage::open_store(location_, soon());
}

std::string TestDatabase::table(const std::string &name) const {
    return backend_ == Backend::kSqlite ? name : "wisepay." + name;
}

std::string TestDatabase::outside(const std::string &sql) const {
    if (backend_ == Backend::kPostgres)
        return shared_postgres().psql(location_.postgres_url, sql);
    std::string quoted;
    for (const char c : sql)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    const std::string command =
        "sqlite3 -cmd '.timeout 20000' '" + location_.sqlite_path + "' '" + quoted + "' 2>&1";
    FILE *pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        throw std::runtime_error("cannot run sqlite3");
    std::string out;
    char buffer[4096];
    for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        out.append(buffer, got);
    if (::pclose(pipe) != 0)
        throw std::runtime_error("sqlite3 failed: " + out);
    return out;
}

}  // namespace wisepay::test
