// The health of a tenant's integration as an admin reads it (what to act on,
// since when, the last click that worked) and whether invoice links can work
// now; and which click outcomes are worth writing down. The facts are kept
// with the tenant's row (storage::Health), shared by every instance on the
// database; hosts read them as get_settings' "health" (abi/wisepay_plugin.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "abi/wisepay_plugin.h"
#include "storage/settings_store.h"

namespace wisepay {

// Clicks in a row that could not reach Wise-Pay before that is a problem.
inline constexpr int kUnreachableAfter = 3;
// How often a healthy tenant's "last click that worked" is written, at most.
inline constexpr std::chrono::seconds kSuccessStampEvery{60};

struct HealthView {
    wisepay_health state = WISEPAY_HEALTH_OK;
    std::int64_t since_unix = 0;         // 0 when healthy
    std::int64_t last_success_unix = 0;  // 0 when none known
    std::string message;                 // for the admin: what to do; "" when healthy
};

HealthView health_of(const storage::SettingsRecord &record);

// Whether an invoice link can work now: Enabled, a key saved, and Wise-Pay
// has neither rejected the key nor switched the integration off.
bool link_available(const storage::SettingsRecord &record);

// Whether `outcome`, seen by a click that read `current`, changes what is
// kept: a problem that begins or ends, an unreachable click to count, or a
// success when the last one stamped is older than kSuccessStampEvery. The
// rest is not written, so a healthy click costs no write.
bool worth_recording(const storage::Health &current, storage::ClickOutcome outcome,
                     std::int64_t now_unix);

}  // namespace wisepay
