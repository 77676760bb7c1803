// Reading and saving a tenant's Wise-Pay settings: validation, sealing of the
// API key, optimistic concurrency, audit, and a cache that never serves a
// row older than the last commit before the read began (every read asks a
// ChangeWatch whether anyone committed since). The cache holds only tenants
// that have saved, at most kMaxCachedTenants of them.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "plugin/error.h"
#include "plugin/logger.h"
#include "plugin/secret_box.h"
#include "storage/change_watch.h"
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
    // About 300 bytes each: the cache stays under 3 MB whatever tenant ids
    // the host's callers name.
    static constexpr std::size_t kMaxCachedTenants = 10000;

    SettingsService(storage::SettingsStore &store, const MasterKey &master_key, const Logger &log)
        : store_(store), master_key_(master_key), log_(log), watch_(store.path()) {}

    // The tenant's settings as the row stands now (see get_settings in the
    // ABI). Thread-safe; a cached row costs one change check and a shared
    // lock, and never waits for a save in progress.
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
    // Caches `record` unless the cache was dropped since `epoch` was read:
    // then a newer commit may exist and the row is not known current.
    void remember(std::shared_ptr<const storage::SettingsRecord> record, std::uint64_t epoch);

    storage::SettingsStore &store_;
    const MasterKey &master_key_;
    const Logger &log_;

    storage::ChangeWatch watch_;
    std::shared_mutex cache_mutex_;
    std::uint64_t cache_epoch_ = 0;  // counts the times the cache was dropped
    std::unordered_map<std::string, std::shared_ptr<const storage::SettingsRecord>> cache_;
};

}  // namespace wisepay
