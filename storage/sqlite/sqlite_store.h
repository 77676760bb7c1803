// The settings store on an SQLite file: the embedded default, for hosts on
// one machine (any number of instances and processes on the same file).
//
// Saves run on one connection behind a mutex, in BEGIN IMMEDIATE
// transactions. Reads are served from a cache that is checked on every call
// with a ChangeWatch (PRAGMA data_version on read connections of its own),
// so a commit by anyone, in any process, is seen by the next read, and a
// read never waits for a save's fsync. The cache holds only tenants that
// have saved, at most kMaxCachedTenants of them.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/settings_store.h"
#include "storage/sqlite/change_watch.h"

namespace wisepay::storage {

class SqliteStore final : public SettingsStore {
  public:
    // About 300 bytes each: the cache stays under 3 MB whatever tenant ids
    // the host's callers name.
    static constexpr std::size_t kMaxCachedTenants = 10000;

    // Opens the database at `path` (see open_database). Throws StorageError.
    explicit SqliteStore(const std::string &path);

    std::shared_ptr<const SettingsRecord> load(const std::string &tenant_id,
                                               Deadline deadline) override;
    SettingsRecord save(const std::string &tenant_id, const std::string &actor,
                        std::int64_t expected_version, const SavePlanner &plan,
                        Deadline deadline) override;
    void record_click(const std::string &tenant_id, ClickOutcome outcome, const std::string &now,
                      int unreachable_after, Deadline deadline) override;
    bool replace_sealed_key(const std::string &tenant_id, std::int64_t version,
                            const std::string &old_key_id, const SealedKey &replacement,
                            const std::string &actor, const std::string &changes_json,
                            Deadline deadline) override;
    std::vector<AuditRecord> audit_trail(const std::string &tenant_id, int limit,
                                         std::int64_t before_id, Deadline deadline) override;
    std::vector<SettingsRecord> all_settings(Deadline deadline) override;
    std::vector<AuditRecord> all_audit(Deadline deadline) override;
    void import(const std::vector<SettingsRecord> &settings, const std::vector<AuditRecord> &audit,
                Deadline deadline) override;
    std::string describe() const override;
    std::vector<std::string> opening_notes() const override { return opening_notes_; }

  private:
    SettingsRecord load_locked(const std::string &tenant_id);
    // Caches `record` unless the cache was dropped since `epoch` was read:
    // then a newer commit may exist and the row is not known current.
    void remember(std::shared_ptr<const SettingsRecord> record, std::uint64_t epoch);

    std::string path_;
    std::vector<std::string> opening_notes_;
    std::mutex mutex_;  // one connection, used by one thread at a time
    SQLite::Database db_;

    ChangeWatch watch_;
    std::shared_mutex cache_mutex_;
    std::uint64_t cache_epoch_ = 0;  // counts the times the cache was dropped
    std::unordered_map<std::string, std::shared_ptr<const SettingsRecord>> cache_;
};

}  // namespace wisepay::storage
