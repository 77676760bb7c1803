// The SQLite backend of SettingsStore. Deadlines are not used: a wait for
// the file's write lock is bounded by SQLite's busy timeout instead (5 s,
// database.cpp). A load drops the whole cache whenever the ChangeWatch
// reports a commit; only tenants that have saved are cached.
#include "storage/sqlite/sqlite_store.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <utility>

#include "storage/sqlite/database.h"

namespace wisepay::storage {
namespace {

constexpr const char *kSelectRow =
    "SELECT version, enabled, api_key_sealed, api_key_key_id, api_key_last4, updated_at, "
    "updated_by, tenant_id, health_problem, health_since, health_failures, health_last_success "
    "FROM settings";

// A row as kSelectRow reads it.
SettingsRecord read_row(SQLite::Statement &row) {
    SettingsRecord record;
    record.tenant_id = row.getColumn(7).getString();
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
    record.health.problem = row.getColumn(8).getString();  // NULL reads as ""
    record.health.since = row.getColumn(9).getString();
    record.health.failures = row.getColumn(10).getInt64();
    record.health.last_success = row.getColumn(11).getString();
    return record;
}

// NULL for "", so that an empty value is never stored as one.
void bind_text_or_null(SQLite::Statement &statement, int index, const std::string &text) {
    if (text.empty())
        statement.bind(index);
    else
        statement.bind(index, text);
}

AuditRecord read_audit(SQLite::Statement &row) {
    return AuditRecord{row.getColumn(0).getInt64(),  row.getColumn(1).getString(),
                       row.getColumn(2).getInt64(),  row.getColumn(3).getString(),
                       row.getColumn(4).getString(), row.getColumn(5).getString()};
}

// Writes `row`, health included, as a new row; or, with `save`, over the
// tenant's existing row, leaving its health to record_click.
void write_row(SQLite::Database &db, const SettingsRecord &row, bool save) {
    SQLite::Statement write(
        db, std::string("INSERT INTO settings (tenant_id, version, enabled, api_key_sealed, "
                        "api_key_key_id, api_key_last4, updated_at, updated_by, health_problem, "
                        "health_since, health_failures, health_last_success) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") +
                (save ? " ON CONFLICT (tenant_id) DO UPDATE SET version = excluded.version, "
                        "enabled = excluded.enabled, api_key_sealed = excluded.api_key_sealed, "
                        "api_key_key_id = excluded.api_key_key_id, "
                        "api_key_last4 = excluded.api_key_last4, "
                        "updated_at = excluded.updated_at, updated_by = excluded.updated_by"
                      : ""));
    write.bind(1, row.tenant_id);
    write.bind(2, static_cast<int64_t>(row.version));
    write.bind(3, row.enabled ? 1 : 0);
    if (row.api_key) {
        write.bind(4, row.api_key->blob.data(), static_cast<int>(row.api_key->blob.size()));
        write.bind(5, row.api_key->key_id);
        write.bind(6, row.api_key->last4);
    } else {
        write.bind(4);
        write.bind(5);
        write.bind(6);
    }
    write.bind(7, row.updated_at);
    write.bind(8, row.updated_by);
    bind_text_or_null(write, 9, row.health.problem);
    bind_text_or_null(write, 10, row.health.since);
    write.bind(11, static_cast<int64_t>(row.health.failures));
    bind_text_or_null(write, 12, row.health.last_success);
    write.exec();
}

void write_audit(SQLite::Database &db, const AuditRecord &audit) {
    SQLite::Statement write(
        db, "INSERT INTO audit (tenant_id, version, actor, at, changes) VALUES (?, ?, ?, ?, ?)");
    write.bind(1, audit.tenant_id);
    write.bind(2, static_cast<int64_t>(audit.version));
    write.bind(3, audit.actor);
    write.bind(4, audit.at);
    write.bind(5, audit.changes_json);
    write.exec();
}

}  // namespace

SqliteStore::SqliteStore(const std::string &path)
    : path_(path), db_(open_database(path, opening_notes_)), watch_(path) {}

std::string SqliteStore::describe() const {
    return "SQLite file '" + path_ + "'";
}

SettingsRecord SqliteStore::load_locked(const std::string &tenant_id) {
    SQLite::Statement row(db_, std::string(kSelectRow) + " WHERE tenant_id = ?");
    row.bind(1, tenant_id);
    if (!row.executeStep()) {
        SettingsRecord never_saved;
        never_saved.tenant_id = tenant_id;
        return never_saved;
    }
    return read_row(row);
}

std::shared_ptr<const SettingsRecord> SqliteStore::load(const std::string &tenant_id, Deadline) {
    try {
        // A commit by anyone since this connection last looked may have made
        // any cached row stale: drop them all. Saves are rare, reads are not.
        watch_.check([&] {
            std::unique_lock lock(cache_mutex_);
            cache_.clear();
            ++cache_epoch_;
        });
        std::uint64_t epoch = 0;
        {
            std::shared_lock lock(cache_mutex_);
            if (auto it = cache_.find(tenant_id); it != cache_.end()) {
                return it->second;
            }
            epoch = cache_epoch_;
        }
        std::shared_ptr<const SettingsRecord> record;
        {
            std::lock_guard lock(mutex_);
            record = std::make_shared<const SettingsRecord>(load_locked(tenant_id));
        }
        remember(record, epoch);
        return record;
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot read settings: ") + e.what());
    }
}

void SqliteStore::remember(std::shared_ptr<const SettingsRecord> record, std::uint64_t epoch) {
    // Tenant ids come from the host's callers: a tenant that never saved
    // costs a read each time rather than memory for good.
    if (record->version == 0) {
        return;
    }
    std::unique_lock lock(cache_mutex_);
    if (epoch != cache_epoch_) {
        return;
    }
    if (cache_.size() >= kMaxCachedTenants && cache_.find(record->tenant_id) == cache_.end()) {
        cache_.erase(cache_.begin());  // any one: a miss costs one read
    }
    cache_[record->tenant_id] = std::move(record);
}

SettingsRecord SqliteStore::save(const std::string &tenant_id, const std::string &actor,
                                 std::int64_t expected_version, const SavePlanner &plan, Deadline) {
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
        write_row(db_, next, /*save=*/true);
        if (planned.reset_health) {
            SQLite::Statement reset(db_,
                                    "UPDATE settings SET health_problem = NULL, health_since = "
                                    "NULL, health_failures = 0 WHERE tenant_id = ?");
            reset.bind(1, tenant_id);
            reset.exec();
        }
        write_audit(db_, AuditRecord{0, tenant_id, next.version, actor, next.updated_at,
                                     planned.changes_json});
        tx.commit();
        return next;
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot save settings: ") + e.what());
    }
}

void SqliteStore::record_click(const std::string &tenant_id, ClickOutcome outcome,
                               const std::string &now, int unreachable_after, Deadline) {
    std::lock_guard lock(mutex_);
    try {
        switch (outcome) {
            case ClickOutcome::kSucceeded: {
                SQLite::Statement update(db_,
                                         "UPDATE settings SET health_problem = NULL, "
                                         "health_since = NULL, health_failures = 0, "
                                         "health_last_success = ? WHERE tenant_id = ?");
                update.bind(1, now);
                update.bind(2, tenant_id);
                update.exec();
                break;
            }
            case ClickOutcome::kKeyRejected:
            case ClickOutcome::kUpstreamDisabled: {
                const char *problem =
                    outcome == ClickOutcome::kKeyRejected ? "key_rejected" : "upstream_disabled";
                // Every expression reads the row as it was before the update.
                SQLite::Statement update(
                    db_,
                    "UPDATE settings SET health_since = CASE WHEN health_problem IS ? THEN "
                    "health_since ELSE ? END, health_problem = ?, health_failures = 0 "
                    "WHERE tenant_id = ?");
                update.bind(1, problem);
                update.bind(2, now);
                update.bind(3, problem);
                update.bind(4, tenant_id);
                update.exec();
                break;
            }
            case ClickOutcome::kUnreachable: {
                SQLite::Statement update(
                    db_,
                    "UPDATE settings SET health_failures = health_failures + 1, "
                    "health_problem = CASE WHEN health_problem IS NULL AND health_failures + 1 "
                    ">= ? THEN 'unreachable' ELSE health_problem END, "
                    "health_since = CASE WHEN health_problem IS NULL AND health_failures + 1 >= ? "
                    "THEN ? ELSE health_since END WHERE tenant_id = ?");
                update.bind(1, unreachable_after);
                update.bind(2, unreachable_after);
                update.bind(3, now);
                update.bind(4, tenant_id);
                update.exec();
                break;
            }
        }
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot record a click's outcome: ") + e.what());
    }
}

bool SqliteStore::replace_sealed_key(const std::string &tenant_id, std::int64_t version,
                                     const std::string &old_key_id, const SealedKey &replacement,
                                     const std::string &actor, const std::string &changes_json,
                                     Deadline) {
    std::lock_guard lock(mutex_);
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement update(db_,
                                 "UPDATE settings SET api_key_sealed = ?, api_key_key_id = ? "
                                 "WHERE tenant_id = ? AND version = ? AND api_key_key_id = ?");
        update.bind(1, replacement.blob.data(), static_cast<int>(replacement.blob.size()));
        update.bind(2, replacement.key_id);
        update.bind(3, tenant_id);
        update.bind(4, static_cast<int64_t>(version));
        update.bind(5, old_key_id);
        if (update.exec() != 1)
            return false;  // changed since it was read: the transaction rolls back
        write_audit(db_,
                    AuditRecord{0, tenant_id, version, actor, utc_now_iso8601(), changes_json});
        tx.commit();
        return true;
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot re-seal a key: ") + e.what());
    }
}

std::vector<AuditRecord> SqliteStore::audit_trail(const std::string &tenant_id, int limit,
                                                  std::int64_t before_id, Deadline) {
    std::lock_guard lock(mutex_);
    try {
        SQLite::Statement rows(
            db_,
            "SELECT id, tenant_id, version, actor, at, changes FROM audit "
            "WHERE tenant_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
        rows.bind(1, tenant_id);
        rows.bind(2, static_cast<int64_t>(before_id));
        rows.bind(3, static_cast<int64_t>(before_id));
        rows.bind(4, limit);
        std::vector<AuditRecord> trail;
        while (rows.executeStep())
            trail.push_back(read_audit(rows));
        return trail;
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot read the audit trail: ") + e.what());
    }
}

std::vector<SettingsRecord> SqliteStore::all_settings(Deadline) {
    std::lock_guard lock(mutex_);
    try {
        SQLite::Statement rows(db_, std::string(kSelectRow) + " ORDER BY tenant_id");
        std::vector<SettingsRecord> all;
        while (rows.executeStep())
            all.push_back(read_row(rows));
        return all;
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot read settings: ") + e.what());
    }
}

std::vector<AuditRecord> SqliteStore::all_audit(Deadline) {
    std::lock_guard lock(mutex_);
    try {
        SQLite::Statement rows(
            db_, "SELECT id, tenant_id, version, actor, at, changes FROM audit ORDER BY id");
        std::vector<AuditRecord> all;
        while (rows.executeStep())
            all.push_back(read_audit(rows));
        return all;
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot read the audit trail: ") + e.what());
    }
}

void SqliteStore::import(const std::vector<SettingsRecord> &settings,
                         const std::vector<AuditRecord> &audit, Deadline) {
    std::lock_guard lock(mutex_);
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        for (const SettingsRecord &row : settings) {
            if (load_locked(row.tenant_id).version != 0)
                throw TenantExistsError(row.tenant_id, describe());
            write_row(db_, row, /*save=*/false);
        }
        for (const AuditRecord &row : audit)
            write_audit(db_, row);
        tx.commit();
    } catch (const SQLite::Exception &e) {
        throw StorageError(std::string("cannot import settings: ") + e.what());
    }
}

}  // namespace wisepay::storage
