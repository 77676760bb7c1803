// The backend in use, and for PostgreSQL the map from path to database: a
// path gets a database of its own on the shared server the first time it is
// named. sqlite3 and psql run as other processes, so this one never opens a
// database file behind a plugin instance's back.
#include "tests/support/test_backend.h"

#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "tests/support/temp_dir.h"

namespace wisepay::test {
namespace {

Backend current = Backend::kSqlite;

// Runs sqlite3 on `path` (another process: this one must not open the file
// behind a plugin instance's back) and returns what it printed.
std::string sqlite3_tool(const std::string &path, const std::string &sql) {
    std::string quoted;
    for (const char c : sql)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    const std::string command =
        "sqlite3 -cmd '.timeout 20000' '" + path + "' '" + quoted + "' 2>&1";
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

std::string database_url_for(const std::string &path) {
    static std::mutex mutex;
    static std::map<std::string, std::string> urls;
    std::lock_guard lock(mutex);
    auto [it, added] = urls.try_emplace(path);
    if (added)
        it->second = shared_postgres().create_database();
    return it->second;
}

std::string query(const std::string &path, const std::string &sqlite_sql,
                  const std::string &postgres_sql) {
    if (current == Backend::kSqlite)
        return sqlite3_tool(path, sqlite_sql);
    return shared_postgres().psql(database_url_for(path), postgres_sql);
}

}  // namespace

Backend test_backend() {
    return current;
}

void use_backend(Backend backend) {
    current = backend;
}

const char *backend_name(Backend backend) {
    return backend == Backend::kSqlite ? "SQLite" : "PostgreSQL";
}

PostgresServer &shared_postgres() {
    static PostgresServer server;
    return server;
}

std::pair<std::string, std::string> database_member(const std::string &path) {
    if (current == Backend::kSqlite)
        return {"database_path", path};
    return {"database_url", database_url_for(path)};
}

std::string stored_text(const std::string &path) {
    if (current == Backend::kSqlite) {
        // The raw file, its WAL and its shm, read by another process.
        const std::size_t slash = path.rfind('/');
        return read_all_files(slash == std::string::npos ? "." : path.substr(0, slash));
    }
    return shared_postgres().psql(database_url_for(path),
                                  "SELECT s.*, encode(api_key_sealed, 'escape') "
                                  "FROM wisepay.settings s; SELECT * FROM wisepay.audit");
}

std::vector<std::string> audit_rows(const std::string &path) {
    const std::string select = "SELECT tenant_id, actor, version, changes, '' FROM ";
    std::istringstream lines(
        query(path, select + "audit ORDER BY id", select + "wisepay.audit ORDER BY id"));
    std::vector<std::string> rows;
    for (std::string line; std::getline(lines, line);)
        rows.push_back(line);
    return rows;
}

}  // namespace wisepay::test
