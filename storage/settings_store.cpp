// The parts of settings_store.h that belong to no one backend: choosing the
// backend a StoreLocation names, describing a PostgreSQL URL for logs, and
// the UTC time text both backends stamp rows with.
#include "storage/settings_store.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace wisepay::storage {

std::optional<std::string> describe_postgres_url(const std::string &url) {
    const auto parsed = pq::parse_conninfo(url, nullptr);
    if (!parsed)
        return std::nullopt;
    return parsed->description;
}

std::unique_ptr<SettingsStore> open_store(const StoreLocation &location, Deadline deadline) {
    if (!location.sqlite_path.empty())
        return std::make_unique<SqliteStore>(location.sqlite_path);
    return std::make_unique<PostgresStore>(location.postgres_url, location.pool_size,
                                           location.statement_timeout, deadline);
}

std::string utc_now_iso8601() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t seconds = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis));
    return text;
}

}  // namespace wisepay::storage
