// Re-sealing every tenant's API key under the current master key, after a
// new one was added to the ring: tenant by tenant, each in a transaction of
// its own with an audit row, safe while hosts serve clicks and saves, safe to
// interrupt and run again (docs/settings.md, "Rotating the master key").
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "plugin/crypto/key_ring.h"
#include "plugin/util/deadline.h"
#include "plugin/util/logger.h"
#include "storage/settings_store.h"

namespace wisepay {

struct ResealReport {
    std::string current_key_id;
    std::uint64_t resealed = 0;                             // by this run
    std::map<std::string, std::uint64_t> remaining_by_key;  // key id -> tenants
    std::uint64_t remaining() const;
};

// Moves up to `max_tenants` tenants (0: all) whose key is sealed under
// another key than the ring's current one. `budget` bounds each tenant's
// read, seal and write. A tenant saved meanwhile is skipped: its save sealed
// under the current key anyway, or a rerun moves it. A key sealed under a
// master key the ring lacks is left where it is and the others move; then
// Error (WISEPAY_E_CRYPTO, "master_key_missing") names the missing key ids.
// WISEPAY_E_STORAGE when the database fails; tenants moved stay moved.
ResealReport reseal_keys(storage::SettingsStore &store, const KeyRing &keys,
                         const std::string &actor, std::uint32_t max_tenants,
                         std::chrono::milliseconds budget, const Logger &log);

}  // namespace wisepay
