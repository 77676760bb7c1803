// The PostgreSQL backend of SettingsStore: its forward-only migrations (the
// SQLite backend's tables, in the schema "wisepay") and each operation as SQL
// on a pooled connection. A save or re-seal whose COMMIT got no answer
// throws CommitUnknownError rather than StorageError.
#include "storage/postgres/postgres_store.h"

#include <array>
#include <utility>

namespace wisepay::storage {
namespace {

using pq::Fault;
using pq::Param;
using pq::PqError;

// Forward-only migrations: entry i takes the schema from version i to i + 1.
// Never edit a shipped entry; append a new one. The same tables as the
// SQLite backend's, in the schema "wisepay".
constexpr std::array kMigrations = {
    // 1: settings per tenant, and the audit trail of every save.
    R"sql(
CREATE TABLE wisepay.settings (
    tenant_id       text PRIMARY KEY,
    version         bigint NOT NULL CHECK (version > 0),
    enabled         boolean NOT NULL,
    api_key_sealed  bytea,
    api_key_key_id  text,
    api_key_last4   text,
    updated_at      text NOT NULL,
    updated_by      text NOT NULL,
    CHECK ((api_key_sealed IS NULL) = (api_key_key_id IS NULL))
);
CREATE TABLE wisepay.audit (
    id          bigserial PRIMARY KEY,
    tenant_id   text NOT NULL,
    version     bigint NOT NULL,
    actor       text NOT NULL,
    at          text NOT NULL,
    changes     text NOT NULL
);
CREATE INDEX audit_by_tenant ON wisepay.audit (tenant_id, id);
)sql",
    // 2: what the last clicks found, kept with the tenant's row.
    R"sql(
ALTER TABLE wisepay.settings ADD COLUMN health_problem text;
ALTER TABLE wisepay.settings ADD COLUMN health_since text;
ALTER TABLE wisepay.settings ADD COLUMN health_failures bigint NOT NULL DEFAULT 0;
ALTER TABLE wisepay.settings ADD COLUMN health_last_success text;
)sql",
};

// Taken inside the migration transaction: nodes that start together wait
// for each other here, and the second finds the work done. (Any constant
// will do as long as nothing else in the database uses it.)
constexpr const char *kMigrationLock = "SELECT pg_advisory_xact_lock(7731095024631402017)";

constexpr const char *kSelectRow =
    "SELECT version, enabled, api_key_sealed, api_key_key_id, api_key_last4, updated_at, "
    "updated_by, tenant_id, health_problem, health_since, health_failures, health_last_success "
    "FROM wisepay.settings";

constexpr const char *kSelectAudit =
    "SELECT id, tenant_id, version, actor, at, changes FROM wisepay.audit";

SettingsRecord read_row(const pq::Result &rows, int row) {
    SettingsRecord record;
    record.version = rows.int64(row, 0);
    record.enabled = rows.boolean(row, 1);
    if (!rows.is_null(row, 2)) {
        record.api_key = SealedKey{rows.bytes(row, 2), std::string(rows.text(row, 3)),
                                   std::string(rows.text(row, 4))};
    }
    record.updated_at = rows.text(row, 5);
    record.updated_by = rows.text(row, 6);
    record.tenant_id = rows.text(row, 7);
    record.health.problem = rows.text(row, 8);  // NULL reads as ""
    record.health.since = rows.text(row, 9);
    record.health.failures = rows.int64(row, 10);
    record.health.last_success = rows.text(row, 11);
    return record;
}

AuditRecord read_audit(const pq::Result &rows, int row) {
    return AuditRecord{rows.int64(row, 0),
                       std::string(rows.text(row, 1)),
                       rows.int64(row, 2),
                       std::string(rows.text(row, 3)),
                       std::string(rows.text(row, 4)),
                       std::string(rows.text(row, 5))};
}

SettingsRecord load_row(pq::Connection &connection, const std::string &tenant_id,
                        Deadline deadline) {
    const pq::Result rows = connection.exec(std::string(kSelectRow) + " WHERE tenant_id = $1",
                                            {Param::of(tenant_id)}, deadline);
    if (rows.rows() == 0) {
        SettingsRecord never_saved;
        never_saved.tenant_id = tenant_id;
        return never_saved;
    }
    return read_row(rows, 0);
}

Param text_or_null(const std::string &text) {
    return text.empty() ? Param::null() : Param::of(text);
}

std::vector<Param> row_params(const SettingsRecord &row) {
    return {Param::of(row.tenant_id),
            Param::of(row.version),
            Param::of(row.enabled ? "true" : "false"),
            row.api_key ? Param::bytes(row.api_key->blob) : Param::null(),
            row.api_key ? Param::of(row.api_key->key_id) : Param::null(),
            row.api_key ? Param::of(row.api_key->last4) : Param::null(),
            Param::of(row.updated_at),
            Param::of(row.updated_by)};
}

// Inserts, health included, unless the tenant has a row; returns whether it
// inserted.
bool insert_row(pq::Connection &connection, const SettingsRecord &row, Deadline deadline) {
    std::vector<Param> params = row_params(row);
    params.push_back(text_or_null(row.health.problem));
    params.push_back(text_or_null(row.health.since));
    params.push_back(Param::of(row.health.failures));
    params.push_back(text_or_null(row.health.last_success));
    return connection
               .exec(
                   "INSERT INTO wisepay.settings (tenant_id, version, enabled, api_key_sealed, "
                   "api_key_key_id, api_key_last4, updated_at, updated_by, health_problem, "
                   "health_since, health_failures, health_last_success) VALUES ($1, $2, $3, $4, "
                   "$5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (tenant_id) DO NOTHING",
                   params, deadline)
               .affected() == 1;
}

void insert_audit(pq::Connection &connection, const AuditRecord &audit, Deadline deadline) {
    connection.exec(
        "INSERT INTO wisepay.audit (tenant_id, version, actor, at, changes) "
        "VALUES ($1, $2, $3, $4, $5)",
        {Param::of(audit.tenant_id), Param::of(audit.version), Param::of(audit.actor),
         Param::of(audit.at), Param::of(audit.changes_json)},
        deadline);
}

// A transaction on a leased connection: rolled back when left without a
// commit, so the connection goes back to the pool idle (or is dropped when
// even the rollback fails).
class Transaction {
  public:
    Transaction(pq::Connection &connection, Deadline deadline)
        : connection_(connection), deadline_(deadline) {
        connection_.exec("BEGIN", deadline_);
    }
    ~Transaction() {
        if (open_) {
            try {
                connection_.exec("ROLLBACK", deadline_);
            } catch (...) {
                // The connection is marked broken and will be dropped.
            }
        }
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    // Any failure from here on leaves the outcome unknown.
    void commit() {
        committing_ = true;
        connection_.exec("COMMIT", deadline_);
        open_ = false;
    }
    bool committing() const { return committing_; }

  private:
    pq::Connection &connection_;
    Deadline deadline_;
    bool open_ = true;
    bool committing_ = false;
};

}  // namespace

int PostgresStore::current_schema_version() {
    return static_cast<int>(kMigrations.size());
}

PostgresStore::PostgresStore(const std::string &conninfo, std::size_t pool_size,
                             std::chrono::milliseconds statement_timeout, Deadline deadline)
    : pool_(conninfo, pool_size,
            "SET statement_timeout = " + std::to_string(statement_timeout.count())) {
    std::string reason;
    const auto parsed = pq::parse_conninfo(conninfo, &reason);
    if (!parsed)
        throw StorageError("the PostgreSQL connection string cannot be used: " + reason);
    description_ = parsed->description;
    migrate(deadline);
}

template <typename Work>
auto PostgresStore::with_connection(const char *doing, Deadline deadline, Work &&work) {
    for (int attempt = 1;; ++attempt) {
        bool reused = false;
        try {
            pq::Pool::Lease connection = pool_.lease(deadline);
            reused = connection.reused();
            return work(*connection);
        } catch (const PqError &e) {
            // A server that restarted drops idle connections without a word;
            // a statement that failed on one can run again on a new one,
            // unless a commit was under way (work() reports that itself).
            const bool dropped =
                e.fault() == Fault::kUnreachable || e.fault() == Fault::kLostInFlight;
            if (reused && dropped && attempt == 1)
                continue;
            throw StorageError(std::string("cannot ") + doing + " (" + description_ +
                               "): " + e.what());
        }
    }
}

void PostgresStore::migrate(Deadline deadline) {
    with_connection("prepare the settings tables", deadline, [&](pq::Connection &connection) {
        Transaction tx(connection, deadline);
        connection.exec(kMigrationLock, deadline);
        connection.exec_script(
            "CREATE SCHEMA IF NOT EXISTS wisepay; "
            "CREATE TABLE IF NOT EXISTS wisepay.schema_migrations ("
            "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            deadline);
        const int known = current_schema_version();
        const int version = static_cast<int>(
            connection
                .exec("SELECT coalesce(max(version), 0) FROM wisepay.schema_migrations", deadline)
                .int64(0, 0));
        if (version > known) {
            throw StorageError("the settings database has schema version " +
                               std::to_string(version) + " but this plugin knows only up to " +
                               std::to_string(known) + "; upgrade the plugin");
        }
        for (int next = version; next < known; ++next) {
            connection.exec_script(kMigrations[static_cast<std::size_t>(next)], deadline);
            connection.exec("INSERT INTO wisepay.schema_migrations (version) VALUES ($1)",
                            {Param::of(std::int64_t{next + 1})}, deadline);
        }
        tx.commit();
    });
}

std::shared_ptr<const SettingsRecord> PostgresStore::load(const std::string &tenant_id,
                                                          Deadline deadline) {
    return with_connection("read settings", deadline, [&](pq::Connection &connection) {
        return std::make_shared<const SettingsRecord>(load_row(connection, tenant_id, deadline));
    });
}

SettingsRecord PostgresStore::save(const std::string &tenant_id, const std::string &actor,
                                   std::int64_t expected_version, const SavePlanner &plan,
                                   Deadline deadline) {
    return with_connection("save settings", deadline, [&](pq::Connection &connection) {
        Transaction tx(connection, deadline);
        try {
            SettingsRecord current = load_row(connection, tenant_id, deadline);
            if (current.version != expected_version)
                throw ConflictError(std::move(current));
            PlannedSave planned = plan(current);
            SettingsRecord next = std::move(planned.next);
            next.tenant_id = tenant_id;
            next.version = current.version + 1;
            next.updated_at = utc_now_iso8601();
            next.updated_by = actor;
            // The write names the version it replaces: of two saves from the
            // same version, the second finds no row to write and is a conflict.
            bool written = false;
            if (expected_version == 0) {
                written = insert_row(connection, next, deadline);
            } else {
                std::vector<Param> params = row_params(next);
                params.push_back(Param::of(expected_version));
                written = connection
                              .exec(
                                  "UPDATE wisepay.settings SET version = $2, enabled = $3, "
                                  "api_key_sealed = $4, api_key_key_id = $5, api_key_last4 = "
                                  "$6, updated_at = $7, updated_by = $8 WHERE tenant_id = $1 "
                                  "AND version = $9",
                                  params, deadline)
                              .affected() == 1;
            }
            if (!written)
                throw ConflictError(load_row(connection, tenant_id, deadline));
            if (planned.reset_health) {
                connection.exec(
                    "UPDATE wisepay.settings SET health_problem = NULL, health_since "
                    "= NULL, health_failures = 0 WHERE tenant_id = $1",
                    {Param::of(tenant_id)}, deadline);
            }
            insert_audit(connection,
                         AuditRecord{0, tenant_id, next.version, actor, next.updated_at,
                                     planned.changes_json},
                         deadline);
            tx.commit();
            return next;
        } catch (const PqError &e) {
            if (tx.committing() &&
                (e.fault() == Fault::kLostInFlight || e.fault() == Fault::kTimeout)) {
                throw CommitUnknownError(
                    "the connection to the settings database (" + description_ +
                    ") was lost while a save was being committed; it may or may not be stored: " +
                    e.what());
            }
            throw;
        }
    });
}

void PostgresStore::record_click(const std::string &tenant_id, ClickOutcome outcome,
                                 const std::string &now, int unreachable_after, Deadline deadline) {
    with_connection("record a click's outcome", deadline, [&](pq::Connection &connection) {
        switch (outcome) {
            case ClickOutcome::kSucceeded:
                connection.exec(
                    "UPDATE wisepay.settings SET health_problem = NULL, health_since "
                    "= NULL, health_failures = 0, health_last_success = $1 WHERE "
                    "tenant_id = $2",
                    {Param::of(now), Param::of(tenant_id)}, deadline);
                break;
            case ClickOutcome::kKeyRejected:
            case ClickOutcome::kUpstreamDisabled:
                // Every expression reads the row as it was before the update.
                connection.exec(
                    "UPDATE wisepay.settings SET health_since = CASE WHEN health_problem IS NOT "
                    "DISTINCT FROM $1 THEN health_since ELSE $2 END, health_problem = $1, "
                    "health_failures = 0 WHERE tenant_id = $3",
                    {Param::of(outcome == ClickOutcome::kKeyRejected ? "key_rejected"
                                                                     : "upstream_disabled"),
                     Param::of(now), Param::of(tenant_id)},
                    deadline);
                break;
            case ClickOutcome::kUnreachable:
                connection.exec(
                    "UPDATE wisepay.settings SET health_failures = health_failures + 1, "
                    "health_problem = CASE WHEN health_problem IS NULL AND health_failures + 1 >= "
                    "$1 THEN 'unreachable' ELSE health_problem END, health_since = CASE WHEN "
                    "health_problem IS NULL AND health_failures + 1 >= $1 THEN $2 ELSE "
                    "health_since END WHERE tenant_id = $3",
                    {Param::of(std::int64_t{unreachable_after}), Param::of(now),
                     Param::of(tenant_id)},
                    deadline);
                break;
        }
    });
}

bool PostgresStore::replace_sealed_key(const std::string &tenant_id, std::int64_t version,
                                       const std::string &old_key_id, const SealedKey &replacement,
                                       const std::string &actor, const std::string &changes_json,
                                       Deadline deadline) {
    return with_connection("re-seal a key", deadline, [&](pq::Connection &connection) {
        Transaction tx(connection, deadline);
        const bool replaced =
            connection
                .exec(
                    "UPDATE wisepay.settings SET api_key_sealed = $1, api_key_key_id = $2 "
                    "WHERE tenant_id = $3 AND version = $4 AND api_key_key_id = $5",
                    {Param::bytes(replacement.blob), Param::of(replacement.key_id),
                     Param::of(tenant_id), Param::of(version), Param::of(old_key_id)},
                    deadline)
                .affected() == 1;
        if (!replaced)
            return false;  // changed since it was read: the transaction rolls back
        insert_audit(connection,
                     AuditRecord{0, tenant_id, version, actor, utc_now_iso8601(), changes_json},
                     deadline);
        try {
            tx.commit();
        } catch (const PqError &e) {
            if (e.fault() == Fault::kLostInFlight || e.fault() == Fault::kTimeout) {
                throw CommitUnknownError(
                    "the connection to the settings database (" + description_ +
                    ") was lost while a re-seal was being committed: " + e.what());
            }
            throw;
        }
        return true;
    });
}

std::vector<AuditRecord> PostgresStore::audit_trail(const std::string &tenant_id, int limit,
                                                    std::int64_t before_id, Deadline deadline) {
    return with_connection("read the audit trail", deadline, [&](pq::Connection &connection) {
        const pq::Result rows = connection.exec(
            std::string(kSelectAudit) +
                " WHERE tenant_id = $1 AND ($2::bigint = 0 OR id < $2::bigint) ORDER BY id DESC "
                "LIMIT $3",
            {Param::of(tenant_id), Param::of(before_id), Param::of(std::int64_t{limit})}, deadline);
        std::vector<AuditRecord> trail;
        for (int row = 0; row < rows.rows(); ++row)
            trail.push_back(read_audit(rows, row));
        return trail;
    });
}

std::vector<SettingsRecord> PostgresStore::all_settings(Deadline deadline) {
    return with_connection("read settings", deadline, [&](pq::Connection &connection) {
        const pq::Result rows =
            connection.exec(std::string(kSelectRow) + " ORDER BY tenant_id", deadline);
        std::vector<SettingsRecord> all;
        for (int row = 0; row < rows.rows(); ++row)
            all.push_back(read_row(rows, row));
        return all;
    });
}

std::vector<AuditRecord> PostgresStore::all_audit(Deadline deadline) {
    return with_connection("read the audit trail", deadline, [&](pq::Connection &connection) {
        const pq::Result rows =
            connection.exec(std::string(kSelectAudit) + " ORDER BY id", deadline);
        std::vector<AuditRecord> all;
        for (int row = 0; row < rows.rows(); ++row)
            all.push_back(read_audit(rows, row));
        return all;
    });
}

void PostgresStore::import(const std::vector<SettingsRecord> &settings,
                           const std::vector<AuditRecord> &audit, Deadline deadline) {
    with_connection("import settings", deadline, [&](pq::Connection &connection) {
        Transaction tx(connection, deadline);
        for (const SettingsRecord &row : settings) {
            if (!insert_row(connection, row, deadline))
                throw TenantExistsError(row.tenant_id, describe());
        }
        // New ids, in the order of the old ones: the trail's order is kept.
        for (const AuditRecord &row : audit)
            insert_audit(connection, row, deadline);
        tx.commit();
    });
}

}  // namespace wisepay::storage
