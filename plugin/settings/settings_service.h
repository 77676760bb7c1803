// Reading and saving a tenant's Wise-Pay settings: validation, sealing of the
// API key, optimistic concurrency and audit, on whichever settings store the
// host configured (storage/settings_store.h: every read sees every save
// committed before it, by any instance, process or node).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plugin/crypto/key_ring.h"
#include "plugin/util/error.h"
#include "plugin/util/logger.h"
#include "plugin/wisepay/wisepay_api.h"
#include "storage/settings_store.h"

namespace wisepay {

struct SaveCommand {
    std::string tenant_id;
    std::string actor;
    std::int64_t expected_version = 0;
    std::string_view settings_json;  // holds the key in plain text; parsed with wiping buffers
};

// The refusal when a tenant has no API key saved.
Error no_api_key_error();

// What a save wrote, and what the admin should know about it.
struct SaveResult {
    std::shared_ptr<const storage::SettingsRecord> record;
    std::vector<std::string> warnings;  // sentences for the admin; empty when all is well
};

class SettingsService {
  public:
    // Calls that carry no deadline of their own (get_settings, save_settings)
    // give the store, and Wise-Pay's check of a new key, `budget`.
    SettingsService(storage::SettingsStore &store, const KeyRing &keys, WisePayApi &wisepay,
                    const Logger &log, std::chrono::milliseconds budget)
        : store_(store), keys_(keys), wisepay_(wisepay), log_(log), budget_(budget) {}

    // The tenant's settings as the row stands now (see get_settings in the
    // ABI). Thread-safe.
    std::shared_ptr<const storage::SettingsRecord> current(const std::string &tenant_id);
    std::shared_ptr<const storage::SettingsRecord> current(const std::string &tenant_id,
                                                           storage::Deadline deadline);

    // Validates, checks a new key with Wise-Pay, seals and saves in one
    // transaction. A key Wise-Pay rejects is a field error on "api_key"; a
    // Wise-Pay that cannot be reached, or whose switch for the integration is
    // off, saves with a warning. Throws Error for validation, conflict and
    // storage failures; nothing is written then (except after
    // "storage_commit_unknown", when it may have been).
    SaveResult save(const SaveCommand &command);

    // Newest first, at most `limit` rows older than `before_id` (0: the
    // newest). Throws Error (WISEPAY_E_STORAGE).
    std::vector<storage::AuditRecord> audit_trail(const std::string &tenant_id, int limit,
                                                  std::int64_t before_id);

    // Writes down what a click found about the tenant's integration (see
    // settings/health.h). A failure to write is logged, never thrown: it
    // must not turn a click's answer into another.
    void record_click(const std::string &tenant_id, storage::ClickOutcome outcome,
                      storage::Deadline deadline) noexcept;

    // The tenant's API key in plain text, opened from the sealed form. Throws
    // Error: WISEPAY_E_NO_API_KEY when none is saved, WISEPAY_E_CRYPTO when
    // it does not open with the master keys (the one it names is missing, or
    // the row is damaged).
    SecretBytes open_api_key(const storage::SettingsRecord &record) const;

    // The settings as the ABI's get_settings returns them (no key material),
    // with the health an admin must act on and whether invoice links can work;
    // and a save's warnings, when it has some.
    static std::string to_public_json(const storage::SettingsRecord &record,
                                      const std::vector<std::string> &warnings = {});

  private:
    void check_new_key(const SecretBytes &key, std::vector<std::string> &warnings);
    storage::Deadline default_deadline() const {
        return std::chrono::steady_clock::now() + budget_;
    }

    storage::SettingsStore &store_;
    const KeyRing &keys_;
    WisePayApi &wisepay_;
    const Logger &log_;
    const std::chrono::milliseconds budget_;
};

}  // namespace wisepay
