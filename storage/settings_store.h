// Where tenants' settings and their audit trail are kept: the interface the
// plugin uses, whichever database is behind it. Two backends implement it,
// with the same promises (tests/storage runs one suite against both):
//   storage/sqlite/    an SQLite file, for one machine (the default)
//   storage/postgres/  a PostgreSQL database, for a fleet of host nodes
//
// The promises:
// - load() sees every save committed before the call began, by any
//   instance, process or node using the same database.
// - save() is one transaction: the row and its audit row, or nothing. The
//   version check is made by the database itself, so of two saves from the
//   same version exactly one succeeds and the other is a ConflictError.
// - The API key is an opaque sealed blob: sealing and opening belong to the
//   plugin, which hands the store only ciphertext, the id of the master key
//   that sealed it, and the key's last four characters.
//
// Errors: StorageError for any failure to reach, read or write the
// database; its message names the operation and the database's reason and
// never holds row contents or a password.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace wisepay::storage {

using Deadline = std::chrono::steady_clock::time_point;

class StorageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// An import found a tenant that already has settings in the target.
class TenantExistsError : public StorageError {
  public:
    explicit TenantExistsError(const std::string &tenant_id, const std::string &where)
        : StorageError("tenant '" + tenant_id + "' already has settings in " + where +
                       "; nothing was copied"),
          tenant_id_(tenant_id) {}
    const std::string &tenant_id() const { return tenant_id_; }

  private:
    std::string tenant_id_;
};

// A save whose commit was sent but whose answer never came (the connection
// to the database broke, or the deadline passed): it may or may not have
// been stored.
class CommitUnknownError : public StorageError {
  public:
    using StorageError::StorageError;
};

struct SealedKey {
    std::vector<unsigned char> blob;  // nonce, ciphertext and tag, as the sealer wrote them
    std::string key_id;               // which master key sealed it
    std::string last4;                // the only plaintext part ever stored
};

// What the last clicks found that an admin must act on, kept with the
// tenant's row and shared by every instance on the database.
struct Health {
    std::string problem;        // "" healthy; "key_rejected", "upstream_disabled", "unreachable"
    std::string since;          // when the problem began, ISO-8601 UTC; "" when healthy
    std::int64_t failures = 0;  // clicks in a row that could not reach Wise-Pay
    std::string last_success;   // the last click known to have worked, ISO-8601 UTC; ""
};

// What one click found, for Health.
enum class ClickOutcome { kSucceeded, kKeyRejected, kUpstreamDisabled, kUnreachable };

struct SettingsRecord {
    std::string tenant_id;
    std::int64_t version = 0;  // 0: never saved
    bool enabled = false;
    std::optional<SealedKey> api_key;
    std::string updated_at;  // ISO-8601 UTC; empty when never saved
    std::string updated_by;  // empty when never saved
    Health health;
};

struct AuditRecord {
    std::int64_t id = 0;  // increases with each row: the order of the trail
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
    SettingsRecord next;        // version, updated_at are filled in by the store
    std::string changes_json;   // for the audit row
    bool reset_health = false;  // a new key: what clicks found about the old one goes
};
using SavePlanner = std::function<PlannedSave(const SettingsRecord &current)>;

class SettingsStore {
  public:
    virtual ~SettingsStore() = default;

    // The tenant's row, or a version-0 record when it never saved.
    virtual std::shared_ptr<const SettingsRecord> load(const std::string &tenant_id,
                                                       Deadline deadline) = 0;

    // In one transaction: reads the tenant's row, checks that its version
    // equals `expected_version` (else ConflictError), asks `plan` for the new
    // row, writes it with version + 1 (only if the stored version is still
    // the expected one) and an audit row, commits durably. Returns the row as
    // written. CommitUnknownError when the outcome cannot be known.
    virtual SettingsRecord save(const std::string &tenant_id, const std::string &actor,
                                std::int64_t expected_version, const SavePlanner &plan,
                                Deadline deadline) = 0;

    // Records what a click found, as one statement on the tenant's row that
    // touches nothing else (no version change): a success clears any problem
    // and stamps the last success with `now`; a rejected key or a switched-off
    // integration becomes the problem (keeping its start when it is the same
    // one); an unreachable Wise-Pay counts a failure in a row, and becomes the
    // problem at `unreachable_after` of them unless another one is recorded.
    // Nothing happens for a tenant that never saved.
    virtual void record_click(const std::string &tenant_id, ClickOutcome outcome,
                              const std::string &now, int unreachable_after, Deadline deadline) = 0;

    // Puts `replacement` (the same API key, sealed again under another master
    // key) in place of the tenant's sealed key and writes an audit row with
    // `actor` and `changes_json`, in one transaction, only if the row still
    // has `version` and a key sealed under `old_key_id`: the version stays,
    // since the settings mean the same. Returns false, writing nothing, when
    // the row has changed since it was read.
    virtual bool replace_sealed_key(const std::string &tenant_id, std::int64_t version,
                                    const std::string &old_key_id, const SealedKey &replacement,
                                    const std::string &actor, const std::string &changes_json,
                                    Deadline deadline) = 0;

    // Newest first, at most `limit` rows, only rows older than `before_id`
    // when it is not 0 (the id of the last row of the previous page).
    virtual std::vector<AuditRecord> audit_trail(const std::string &tenant_id, int limit,
                                                 std::int64_t before_id, Deadline deadline) = 0;

    // Every tenant's row with everything in it, and the whole audit trail
    // oldest first: what moving to another database copies.
    virtual std::vector<SettingsRecord> all_settings(Deadline deadline) = 0;
    virtual std::vector<AuditRecord> all_audit(Deadline deadline) = 0;

    // Writes `settings` and `audit` as they are (versions, times and sealed
    // keys unchanged) in one transaction, refusing with TenantExistsError and
    // writing nothing when any of the tenants already has a row here.
    virtual void import(const std::vector<SettingsRecord> &settings,
                        const std::vector<AuditRecord> &audit, Deadline deadline) = 0;

    // Which database this is, for logs and messages: never a password.
    virtual std::string describe() const = 0;

    // What opening the database changed that an operator should know (a
    // file made owner-only, say), one sentence each, for the log.
    virtual std::vector<std::string> opening_notes() const { return {}; }
};

// Where a store keeps its data, as the host's config names it: exactly one
// of the two.
struct StoreLocation {
    std::string sqlite_path;    // "database_path"
    std::string postgres_url;   // "database_url": a libpq URI or keyword string
    std::size_t pool_size = 4;  // PostgreSQL connections
    std::chrono::milliseconds statement_timeout{10000};
};

// Checks a PostgreSQL connection string without connecting: how logs may name
// it ("postgresql://user@host:port/dbname", never the password), or nullopt
// when libpq cannot read it.
std::optional<std::string> describe_postgres_url(const std::string &url);

// Opens (creating and migrating where needed) the store at `location`.
// Throws StorageError.
std::unique_ptr<SettingsStore> open_store(const StoreLocation &location, Deadline deadline);

// Current time as ISO-8601 UTC with milliseconds, e.g. 2026-11-25T00:23:13.042Z.
std::string utc_now_iso8601();

}  // namespace wisepay::storage
