// The settings store in a PostgreSQL database shared by a fleet of host
// nodes, through a pool of libpq connections (storage/postgres/pq.h).
//
// Tables live in the schema "wisepay": settings, audit and
// schema_migrations (one row per migration applied). Migrations run when a
// store opens, under a transaction-scoped advisory lock, so nodes that start
// together apply each one exactly once.
//
// Reads are not cached: each load() is one SELECT on a pooled connection, so
// it sees every save committed before it on any node. A save is one
// transaction whose UPDATE (or INSERT) names the expected version, so the
// database itself refuses the second of two saves from the same version. A
// read or a save whose first statement fails on a pooled connection that
// the server has dropped is tried once more on a new connection; nothing is
// retried once a commit may have been sent.
#pragma once

#include <memory>
#include <string>

#include "storage/postgres/pq.h"
#include "storage/settings_store.h"

namespace wisepay::storage {

class PostgresStore final : public SettingsStore {
  public:
    // Connects, migrates, and keeps up to `pool_size` connections, on which
    // the server stops any statement after `statement_timeout` (the client
    // side gives up at each call's own deadline). Throws StorageError
    // (nothing is left open then).
    PostgresStore(const std::string &conninfo, std::size_t pool_size,
                  std::chrono::milliseconds statement_timeout, Deadline deadline);

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
    std::string describe() const override { return "PostgreSQL " + description_; }

    // The schema version this build writes.
    static int current_schema_version();

  private:
    // Runs `work` on a leased connection; when it fails before anything
    // could have taken effect on a connection the pool had kept idle, runs
    // it once more on a new one. Turns pq failures into StorageError.
    template <typename Work>
    auto with_connection(const char *doing, Deadline deadline, Work &&work);
    void migrate(Deadline deadline);

    std::string description_;
    pq::Pool pool_;
};

}  // namespace wisepay::storage
