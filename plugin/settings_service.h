// Reading and saving a tenant's Wise-Pay settings: validation, sealing of the
// API key, optimistic concurrency, audit, and a cache that never serves a
// stale row (it is checked against PRAGMA data_version on every read).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "plugin/error.h"
#include "plugin/logger.h"
#include "plugin/secret_box.h"
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

class SettingsService {
  public:
    SettingsService(storage::SettingsStore &store, const MasterKey &master_key, const Logger &log)
        : store_(store), master_key_(master_key), log_(log) {}

    // The tenant's settings as the row stands now (see get_settings in the ABI).
    std::shared_ptr<const storage::SettingsRecord> current(const std::string &tenant_id);

    // Validates, seals and saves in one transaction. Throws Error for
    // validation, conflict and storage failures; nothing is written then.
    std::shared_ptr<const storage::SettingsRecord> save(const SaveCommand &command);

    // The tenant's API key in plain text, opened from the sealed form. Throws
    // Error: WISEPAY_E_NO_API_KEY when none is saved, WISEPAY_E_CRYPTO when
    // it does not open under the configured master key.
    SecretBytes open_api_key(const storage::SettingsRecord &record) const;

    // The settings as the ABI's get_settings returns them: no key material.
    static std::string to_public_json(const storage::SettingsRecord &record);

  private:
    void remember(std::shared_ptr<const storage::SettingsRecord> record);

    storage::SettingsStore &store_;
    const MasterKey &master_key_;
    const Logger &log_;

    std::mutex cache_mutex_;
    std::int64_t cache_data_version_ = -1;
    std::unordered_map<std::string, std::shared_ptr<const storage::SettingsRecord>> cache_;
};

}  // namespace wisepay
