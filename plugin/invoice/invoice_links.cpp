#include "plugin/invoice/invoice_links.h"

#include "plugin/util/deadline.h"
#include "plugin/util/error.h"

namespace wisepay {

SsoSession InvoiceLinks::open(const CheckedClick &click) {
    const Deadline deadline = deadline_in(click.deadline_ms, default_budget_);
    const auto settings = settings_.current(click.tenant_id, deadline);
    // No key says more than "disabled" to whoever has to fix it, so it is
    // reported first (a tenant that never saved has neither).
    if (!settings->api_key) {
        throw no_api_key_error();
    }
    if (!settings->enabled) {
        throw Error(WISEPAY_E_DISABLED, "integration_disabled",
                    "Paying invoices with Wise-Pay is not switched on for this portal. Please "
                    "contact your service provider.");
    }
    const SecretBytes api_key = settings_.open_api_key(*settings);
    return api_.create_sso_session(api_key, click.session, deadline);
}

}  // namespace wisepay
