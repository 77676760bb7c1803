// Moving a single-node deployment's settings to the instance's database
// (normally PostgreSQL, for a fleet): every tenant's row and the whole audit
// trail, copied as they are, all or nothing, without anyone re-entering a
// key.
#pragma once

#include <cstdint>
#include <string>

#include "plugin/crypto/key_ring.h"
#include "plugin/util/deadline.h"
#include "storage/settings_store.h"

namespace wisepay {

struct CopyReport {
    std::uint64_t tenants = 0;
    std::uint64_t audit_rows = 0;
};

// Copies from the SQLite file at `sqlite_path` into `target`. Every sealed
// key must open with `keys` (the target's instance will have to open them)
// before anything is written. Throws Error: WISEPAY_E_INVALID_ARGUMENT for a
// path that is no SQLite settings database, WISEPAY_E_CRYPTO naming the
// tenant and key id whose key does not open, WISEPAY_E_CONFLICT
// ("tenant_exists") when the target already has any of the tenants,
// WISEPAY_E_STORAGE; nothing is written then.
CopyReport copy_from_sqlite(storage::SettingsStore &target, const KeyRing &keys,
                            const std::string &sqlite_path, Deadline deadline);

}  // namespace wisepay
