// The health messages an admin reads, each saying what to do, and the rules
// for which click outcomes are worth a write.
#include "plugin/settings/health.h"

#include "plugin/util/iso_time.h"

namespace wisepay {

HealthView health_of(const storage::SettingsRecord &record) {
    const storage::Health &health = record.health;
    HealthView view;
    view.last_success_unix = unix_seconds(health.last_success).value_or(0);
    if (health.problem.empty())
        return view;
    view.since_unix = unix_seconds(health.since).value_or(0);
    if (health.problem == "key_rejected") {
        view.state = WISEPAY_HEALTH_KEY_REJECTED;
        view.message =
            "Wise-Pay rejects the saved API key, so portal users cannot pay invoices with "
            "Wise-Pay. Copy the key again from Wise-Pay (Configure > Merchants > Integrations > "
            "Desk Director > Display), paste it here and save.";
    } else if (health.problem == "upstream_disabled") {
        view.state = WISEPAY_HEALTH_UPSTREAM_DISABLED;
        view.message =
            "The Desk Director integration is switched off in Wise-Pay, so portal users cannot "
            "pay invoices with Wise-Pay. Switch it on in Wise-Pay under Configure > Merchants > "
            "Integrations > Desk Director.";
    } else {
        view.state = WISEPAY_HEALTH_UNREACHABLE;
        view.message =
            "The last invoice clicks could not reach Wise-Pay, so portal users were asked to try "
            "again later. If it goes on, check the portal's connection to Wise-Pay with Test "
            "connection.";
    }
    return view;
}

bool link_available(const storage::SettingsRecord &record) {
    return record.enabled && record.api_key && record.health.problem != "key_rejected" &&
           record.health.problem != "upstream_disabled";
}

bool worth_recording(const storage::Health &current, storage::ClickOutcome outcome,
                     std::int64_t now_unix) {
    switch (outcome) {
        case storage::ClickOutcome::kSucceeded: {
            if (!current.problem.empty() || current.failures > 0)
                return true;
            const auto stamped = unix_seconds(current.last_success);
            return !stamped || now_unix - *stamped >= kSuccessStampEvery.count();
        }
        case storage::ClickOutcome::kKeyRejected:
            return current.problem != "key_rejected";
        case storage::ClickOutcome::kUpstreamDisabled:
            return current.problem != "upstream_disabled";
        case storage::ClickOutcome::kUnreachable:
            return current.problem.empty();  // counting up to the threshold
    }
    return false;
}

}  // namespace wisepay
