// A save with a new key asks Wise-Pay about it before the transaction, once
// the version is known to match, so a stale page costs no request. The key
// is sealed inside the store's transaction, against the row as it stands
// there. Storage failures go to the log in full; callers get a sentence.
#include "plugin/settings/settings_service.h"

#include <boost/json.hpp>

#include "plugin/settings/health.h"
#include "plugin/settings/settings_input.h"
#include "plugin/util/error.h"

namespace wisepay {
namespace {

namespace json = boost::json;
using storage::SettingsRecord;

Error storage_failure(const Logger &log, const storage::StorageError &e, const char *doing) {
    log.error(std::string(doing) + ": " + e.what());
    return Error(WISEPAY_E_STORAGE, "storage_failure",
                 std::string("The Wise-Pay settings could not be ") + doing +
                     ". Try again; if it keeps failing, ask your administrator to check the "
                     "plugin's database.");
}

Error conflict(const SettingsRecord &current) {
    if (current.version == 0) {
        // The admin's page named a version this tenant never had (another
        // database, or a stale page from before a reset).
        return Error(WISEPAY_E_CONFLICT, "settings_conflict",
                     "These settings are not the ones you loaded: nothing is saved for this "
                     "portal yet. Reload, then save again.");
    }
    return Error(WISEPAY_E_CONFLICT, "settings_conflict",
                 "These settings were changed by " + current.updated_by + " at " +
                     current.updated_at + " after you loaded them (now version " +
                     std::to_string(current.version) +
                     "). Reload to see their changes, then save again.");
}

// Decides the new row from the stored one and the patch, and writes down
// what changed for the audit trail (never the key, only that it changed).
storage::PlannedSave plan_save(const SettingsRecord &current, SettingsPatch &patch,
                               const KeyRing &keys) {
    storage::PlannedSave planned;
    planned.next = current;
    json::object changes;
    if (patch.enabled && *patch.enabled != current.enabled) {
        planned.next.enabled = *patch.enabled;
        changes["enabled"] = json::object{{"from", current.enabled}, {"to", *patch.enabled}};
    }
    switch (patch.api_key.kind) {
        case ApiKeyChange::Kind::kKeep:
            break;
        case ApiKeyChange::Kind::kSet: {
            const std::string_view key = patch.api_key.value.view();
            Sealed sealed = seal(keys, current.tenant_id, key);
            planned.next.api_key =
                storage::SealedKey{std::move(sealed.blob), std::move(sealed.key_id),
                                   std::string(key.substr(key.size() - 4))};
            changes["api_key"] = current.api_key ? "replaced" : "set";
            // What clicks found about the old key does not hold for this one.
            planned.reset_health = true;
            break;
        }
        case ApiKeyChange::Kind::kRemove:
            if (current.api_key) {
                planned.next.api_key.reset();
                changes["api_key"] = "removed";
            }
            break;
    }
    if (planned.next.enabled && !planned.next.api_key) {
        throw Error::validation({{"enabled", "Save an API key before enabling Wise-Pay."}});
    }
    planned.changes_json = json::serialize(changes);
    return planned;
}

std::string describe_changes(const std::string &changes_json) {
    return changes_json == "{}" ? "no changes" : "changed " + changes_json;
}

}  // namespace

Error no_api_key_error() {
    return Error(WISEPAY_E_NO_API_KEY, "no_api_key",
                 "Wise-Pay is not set up for this portal yet: no API key is saved. An "
                 "administrator can add it under Integrations > Wise-Pay.");
}

std::shared_ptr<const SettingsRecord> SettingsService::current(const std::string &tenant_id) {
    return current(tenant_id, default_deadline());
}

std::shared_ptr<const SettingsRecord> SettingsService::current(const std::string &tenant_id,
                                                               storage::Deadline deadline) {
    try {
        return store_.load(tenant_id, deadline);
    } catch (const storage::StorageError &e) {
        throw storage_failure(log_, e, "read");
    }
}

SaveResult SettingsService::save(const SaveCommand &command) {
    if (command.expected_version < 0) {
        throw invalid_argument("invalid_version", "The expected version must be 0 or more.");
    }
    SettingsPatch patch = parse_settings_patch(command.settings_json);
    SaveResult result;
    if (patch.api_key.kind == ApiKeyChange::Kind::kSet) {
        // A stale page is a conflict before anyone asks Wise-Pay anything (the
        // store checks again, inside the save).
        const auto stored = current(command.tenant_id);
        if (stored->version != command.expected_version)
            throw conflict(*stored);
        check_new_key(patch.api_key.value, result.warnings);
    }
    std::string changes;
    try {
        result.record = std::make_shared<const SettingsRecord>(store_.save(
            command.tenant_id, command.actor, command.expected_version,
            [&](const SettingsRecord &current) {
                storage::PlannedSave planned = plan_save(current, patch, keys_);
                changes = planned.changes_json;
                return planned;
            },
            default_deadline()));
        const auto &written = result.record;
        log_.info("settings of tenant '" + command.tenant_id + "' saved by '" + command.actor +
                  "' as version " + std::to_string(written->version) + ": " +
                  describe_changes(changes));
        return result;
    } catch (const storage::ConflictError &e) {
        throw conflict(e.current());
    } catch (const storage::CommitUnknownError &e) {
        log_.error(std::string("save of tenant '") + command.tenant_id + "': " + e.what());
        throw Error(WISEPAY_E_STORAGE, "storage_commit_unknown",
                    "Your changes may or may not have been saved: the connection to the settings "
                    "database was lost while they were being stored. Reload the page to see what "
                    "is saved before you save again.");
    } catch (const storage::StorageError &e) {
        throw storage_failure(log_, e, "saved");
    }
}

std::vector<storage::AuditRecord> SettingsService::audit_trail(const std::string &tenant_id,
                                                               int limit, std::int64_t before_id) {
    try {
        return store_.audit_trail(tenant_id, limit, before_id, default_deadline());
    } catch (const storage::StorageError &e) {
        throw storage_failure(log_, e, "read");
    }
}

void SettingsService::check_new_key(const SecretBytes &key, std::vector<std::string> &warnings) {
    try {
        const Merchant merchant = wisepay_.get_merchant(key, default_deadline());
        if (!merchant.integration_enabled) {
            warnings.push_back("The key belongs to " + merchant.name +
                               ", but the Desk Director integration is switched off in Wise-Pay, "
                               "so invoice links will not work yet. Switch it on in Wise-Pay "
                               "under Configure > Merchants > Integrations > Desk Director.");
        }
    } catch (const Error &e) {
        if (e.status() == WISEPAY_E_KEY_REJECTED) {
            throw Error::validation(
                {{"api_key",
                  "Wise-Pay does not accept this key. Copy it again from Wise-Pay (Configure > "
                  "Merchants > Integrations > Desk Director > Display)."}});
        }
        // Wise-Pay down, slow or odd: the admin can still save.
        log_.warning("a new API key was saved without a check: " + e.detail());
        warnings.push_back(
            "Wise-Pay could not be reached to check the key, so it was saved unchecked. Use "
            "Test connection once Wise-Pay is back.");
    }
}

void SettingsService::record_click(const std::string &tenant_id, storage::ClickOutcome outcome,
                                   storage::Deadline deadline) noexcept {
    try {
        store_.record_click(tenant_id, outcome, storage::utc_now_iso8601(), kUnreachableAfter,
                            deadline);
    } catch (const std::exception &e) {
        log_.warning("the outcome of a click for tenant '" + tenant_id +
                     "' could not be written down: " + e.what());
    }
}

SecretBytes SettingsService::open_api_key(const SettingsRecord &record) const {
    if (!record.api_key) {
        throw no_api_key_error();
    }
    try {
        return open_sealed(keys_, record.tenant_id, record.api_key->blob, record.api_key->key_id);
    } catch (const Error &e) {
        log_.error("the saved API key of tenant '" + record.tenant_id +
                   "' cannot be opened: " + e.message());
        throw;
    }
}

std::string SettingsService::to_public_json(const SettingsRecord &record,
                                            const std::vector<std::string> &warnings) {
    json::object api_key{{"set", record.api_key.has_value()}};
    api_key["last4"] = record.api_key ? json::value(record.api_key->last4) : json::value(nullptr);
    json::object out{
        {"tenant_id", record.tenant_id},
        {"version", record.version},
        {"enabled", record.enabled},
        {"api_key", std::move(api_key)},
    };
    out["updated_at"] = record.version > 0 ? json::value(record.updated_at) : json::value(nullptr);
    out["updated_by"] = record.version > 0 ? json::value(record.updated_by) : json::value(nullptr);
    const HealthView health = health_of(record);
    static constexpr const char *kStates[] = {"ok", "key_rejected", "upstream_disabled",
                                              "unreachable"};
    auto time_or_null = [](const std::string &iso) {
        return iso.empty() ? json::value(nullptr) : json::value(iso);
    };
    out["health"] = json::object{
        {"state", kStates[health.state]},
        {"since", time_or_null(record.health.since)},
        {"last_success_at", time_or_null(record.health.last_success)},
        {"message", health.message.empty() ? json::value(nullptr) : json::value(health.message)}};
    out["link_available"] = link_available(record);
    if (!warnings.empty()) {
        json::array list;
        for (const std::string &warning : warnings)
            list.emplace_back(warning);
        out["warnings"] = std::move(list);
    }
    return json::serialize(out);
}

}  // namespace wisepay
