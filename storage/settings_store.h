// Per-tenant settings rows and their audit trail in SQLite.
//
// The store treats the API key as an opaque sealed blob: sealing and opening
// belong to the plugin, which hands the store only ciphertext, the id of the
// master key that sealed it, and the key's last four characters.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace wisepay::storage {

struct SealedKey {
    std::vector<unsigned char> blob;  // nonce, ciphertext and tag, as the sealer wrote them
    std::string key_id;               // which master key sealed it
    std::string last4;                // the only plaintext part ever stored
};

struct SettingsRecord {
    std::string tenant_id;
    std::int64_t version = 0;  // 0: never saved
    bool enabled = false;
    std::optional<SealedKey> api_key;
    std::string updated_at;  // ISO-8601 UTC; empty when never saved
    std::string updated_by;  // empty when never saved
};

struct AuditRecord {
    std::string tenant_id;
    std::int64_t version = 0;
    std::string actor;
    std::string at;
    std::string changes_json;  // what changed, never a secret
};

// A save named a version other than the stored one.
class ConflictError : public std::runtime_error {
  public:
    explicit ConflictError(SettingsRecord current)
        : std::runtime_error("settings were changed since the version named"),
          current_(std::move(current)) {}
    const SettingsRecord &current() const { return current_; }

  private:
    SettingsRecord current_;
};

// What a save wants written: built from the row as it stands inside the
// save's transaction. May throw to abandon the save; nothing is written then.
struct PlannedSave {
    SettingsRecord next;       // version, updated_at are filled in by the store
    std::string changes_json;  // for the audit row
};
using SavePlanner = std::function<PlannedSave(const SettingsRecord &current)>;

class SettingsStore {
  public:
    // Opens the database at `path` (see open_database).
    explicit SettingsStore(const std::string &path);

    // What opening the database changed that an operator should know (a
    // file made owner-only), one sentence each, for the log.
    const std::vector<std::string> &opening_notes() const { return opening_notes_; }

    // The tenant's row, or a version-0 record when it never saved.
    SettingsRecord load(const std::string &tenant_id);

    // In one IMMEDIATE transaction: reads the tenant's row, checks that its
    // version equals `expected_version` (else ConflictError), asks `plan` for
    // the new row, writes it with version + 1 and an audit row, commits
    // durably. Returns the row as written.
    SettingsRecord save(const std::string &tenant_id, const std::string &actor,
                        std::int64_t expected_version, const SavePlanner &plan);

    // Newest first, at most `limit` rows.
    std::vector<AuditRecord> audit_trail(const std::string &tenant_id, int limit);

    // The database file this store opened, for readers that keep their own
    // connections to it (see ChangeWatch).
    const std::string &path() const { return path_; }

  private:
    SettingsRecord load_locked(const std::string &tenant_id);

    std::string path_;
    std::vector<std::string> opening_notes_;
    std::mutex mutex_;  // one connection, used by one thread at a time
    SQLite::Database db_;
};

// Current time as ISO-8601 UTC with milliseconds, e.g. 2026-11-25T00:23:13.042Z.
std::string utc_now_iso8601();

}  // namespace wisepay::storage
