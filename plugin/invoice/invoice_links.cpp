// What a failed click tells the portal user (never an admin's instructions)
// and what it says about the integration's health. Wise-Pay gets the click's
// deadline less a margin (200 ms, or a tenth of the budget when that is
// less), so the outcome can still be written down when Wise-Pay took it all.
#include "plugin/invoice/invoice_links.h"

#include <algorithm>
#include <optional>

#include "plugin/settings/health.h"
#include "plugin/util/deadline.h"
#include "plugin/util/error.h"
#include "plugin/util/iso_time.h"

namespace wisepay {
namespace {

using storage::ClickOutcome;

const char *const kNotAvailableNow =
    "Paying invoices with Wise-Pay is not available right now. Please contact your service "
    "provider.";

// What a failed click says about the integration's health, if anything. A
// payer Wise-Pay does not know means Wise-Pay accepted the key and answered.
std::optional<ClickOutcome> outcome_of(const Error &e) {
    switch (e.status()) {
        case WISEPAY_E_KEY_REJECTED:
            return ClickOutcome::kKeyRejected;
        case WISEPAY_E_UPSTREAM_DISABLED:
            return ClickOutcome::kUpstreamDisabled;
        case WISEPAY_E_UNAVAILABLE:
            return ClickOutcome::kUnreachable;
        case WISEPAY_E_PAYER_NOT_FOUND:
            return ClickOutcome::kSucceeded;
        default:
            return std::nullopt;
    }
}

// The refusal as the portal user who clicked reads it: never the admin's
// instructions (those go to the log, beside the support id, and to the
// health the admin's page shows). Status and code stay, for the host.
Error for_portal_user(const Error &e) {
    switch (e.status()) {
        case WISEPAY_E_NO_API_KEY:
            return Error(e.status(), e.code(),
                         "Paying invoices with Wise-Pay is not set up for this portal yet. Please "
                         "contact your service provider.")
                .with_detail(e.detail());
        case WISEPAY_E_KEY_REJECTED:
        case WISEPAY_E_UPSTREAM_DISABLED:
        case WISEPAY_E_CRYPTO:
        case WISEPAY_E_STORAGE:
        case WISEPAY_E_CONFIG:
            return Error(e.status(), e.code(), kNotAvailableNow).with_detail(e.detail());
        default:
            // Already written for the user: disabled, payer not found (with its
            // registration link), unavailable, an answer that cannot be used.
            return e;
    }
}

}  // namespace

SsoSession InvoiceLinks::open(const CheckedClick &click) {
    const Deadline deadline = deadline_in(click.deadline_ms, default_budget_);
    // Wise-Pay gets the deadline less a little, so that what a click found
    // can still be written down when Wise-Pay took all of it.
    const auto budget = deadline - std::chrono::steady_clock::now();
    const Deadline upstream_deadline = deadline - std::min<std::chrono::steady_clock::duration>(
                                                      std::chrono::milliseconds(200), budget / 10);
    std::shared_ptr<const storage::SettingsRecord> settings;
    try {
        settings = settings_.current(click.tenant_id, deadline);
        // No key says more than "disabled" to whoever has to fix it, so it is
        // reported first (a tenant that never saved has neither).
        if (!settings->api_key) {
            throw no_api_key_error();
        }
        if (!settings->enabled) {
            throw Error(WISEPAY_E_DISABLED, "integration_disabled",
                        "Paying invoices with Wise-Pay is not switched on for this portal. "
                        "Please contact your service provider.");
        }
        const SecretBytes api_key = settings_.open_api_key(*settings);
        SsoSession session = api_.create_sso_session(api_key, click.session, upstream_deadline);
        note(*settings, ClickOutcome::kSucceeded, deadline);
        return session;
    } catch (const Error &e) {
        if (settings) {
            if (const auto outcome = outcome_of(e))
                note(*settings, *outcome, deadline);
        }
        throw for_portal_user(e);
    }
}

void InvoiceLinks::note(const storage::SettingsRecord &settings, storage::ClickOutcome outcome,
                        Deadline deadline) {
    if (worth_recording(settings.health, outcome, unix_now()))
        settings_.record_click(settings.tenant_id, outcome, deadline);
}

}  // namespace wisepay
