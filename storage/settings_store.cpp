#include "storage/settings_store.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace wisepay::storage {
namespace {

SettingsRecord read_row(SQLite::Statement &row, const std::string &tenant_id) {
    SettingsRecord record;
    record.tenant_id = tenant_id;
    record.version = row.getColumn(0).getInt64();
    record.enabled = row.getColumn(1).getInt() != 0;
    if (!row.getColumn(2).isNull()) {
        SealedKey key;
        const auto *bytes = static_cast<const unsigned char *>(row.getColumn(2).getBlob());
        key.blob.assign(bytes, bytes + row.getColumn(2).getBytes());
        key.key_id = row.getColumn(3).getString();
        key.last4 = row.getColumn(4).getString();
        record.api_key = std::move(key);
    }
    record.updated_at = row.getColumn(5).getString();
    record.updated_by = row.getColumn(6).getString();
    return record;
}

}  // namespace

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

SettingsStore::SettingsStore(const std::string &path)
    : path_(path), db_(open_database(path, opening_notes_)) {}

SettingsRecord SettingsStore::load_locked(const std::string &tenant_id) {
    SQLite::Statement row(db_,
                          "SELECT version, enabled, api_key_sealed, api_key_key_id, api_key_last4, "
                          "updated_at, updated_by FROM settings WHERE tenant_id = ?");
    row.bind(1, tenant_id);
    if (!row.executeStep()) {
        SettingsRecord never_saved;
        never_saved.tenant_id = tenant_id;
        return never_saved;
    }
    return read_row(row, tenant_id);
}

SettingsRecord SettingsStore::load(const std::string &tenant_id) {
    std::lock_guard lock(mutex_);
    try {
        return load_locked(tenant_id);
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot read settings: ") + e.what());
    }
}

SettingsRecord SettingsStore::save(const std::string &tenant_id, const std::string &actor,
                                   std::int64_t expected_version, const SavePlanner &plan) {
    std::lock_guard lock(mutex_);
    try {
        // IMMEDIATE takes the write lock before reading, so the version check
        // and the write are one step even against other processes.
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        SettingsRecord current = load_locked(tenant_id);
        if (current.version != expected_version) {
            throw ConflictError(std::move(current));
        }
        PlannedSave planned = plan(current);
        SettingsRecord next = std::move(planned.next);
        next.tenant_id = tenant_id;
        next.version = current.version + 1;
        next.updated_at = utc_now_iso8601();
        next.updated_by = actor;

        SQLite::Statement upsert(
            db_,
            "INSERT INTO settings (tenant_id, version, enabled, api_key_sealed, api_key_key_id, "
            "api_key_last4, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (tenant_id) DO UPDATE SET version = excluded.version, "
            "enabled = excluded.enabled, api_key_sealed = excluded.api_key_sealed, "
            "api_key_key_id = excluded.api_key_key_id, api_key_last4 = excluded.api_key_last4, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by");
        upsert.bind(1, tenant_id);
        upsert.bind(2, static_cast<int64_t>(next.version));
        upsert.bind(3, next.enabled ? 1 : 0);
        if (next.api_key) {
            upsert.bind(4, next.api_key->blob.data(), static_cast<int>(next.api_key->blob.size()));
            upsert.bind(5, next.api_key->key_id);
            upsert.bind(6, next.api_key->last4);
        } else {
            upsert.bind(4);
            upsert.bind(5);
            upsert.bind(6);
        }
        upsert.bind(7, next.updated_at);
        upsert.bind(8, next.updated_by);
        upsert.exec();

        SQLite::Statement audit(
            db_,
            "INSERT INTO audit (tenant_id, version, actor, at, changes) VALUES (?, ?, ?, ?, ?)");
        audit.bind(1, tenant_id);
        audit.bind(2, static_cast<int64_t>(next.version));
        audit.bind(3, actor);
        audit.bind(4, next.updated_at);
        audit.bind(5, planned.changes_json);
        audit.exec();

        tx.commit();
        return next;
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot save settings: ") + e.what());
    }
}

std::vector<AuditRecord> SettingsStore::audit_trail(const std::string &tenant_id, int limit) {
    std::lock_guard lock(mutex_);
    try {
        SQLite::Statement rows(db_,
                               "SELECT version, actor, at, changes FROM audit WHERE tenant_id = ? "
                               "ORDER BY id DESC LIMIT ?");
        rows.bind(1, tenant_id);
        rows.bind(2, limit);
        std::vector<AuditRecord> trail;
        while (rows.executeStep()) {
            trail.push_back(
                AuditRecord{tenant_id, rows.getColumn(0).getInt64(), rows.getColumn(1).getString(),
                            rows.getColumn(2).getString(), rows.getColumn(3).getString()});
        }
        return trail;
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot read audit trail: ") + e.what());
    }
}

}  // namespace wisepay::storage
