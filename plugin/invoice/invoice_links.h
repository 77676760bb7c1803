// The customer side: a portal user clicks an invoice link, and the plugin
// gets a single-use Wise-Pay sign-in URL for the payer with that user's
// email, when the tenant's settings allow it. Every refusal is written for
// that user; what an admin must do goes to the log and to the health the
// admin's page shows.
#pragma once

#include <chrono>

#include "plugin/invoice/invoice_input.h"
#include "plugin/settings/settings_service.h"
#include "plugin/wisepay/wisepay_api.h"

namespace wisepay {

class InvoiceLinks {
  public:
    // `default_budget`: how long a click may take when the host names no
    // deadline (the config's deadline_ms).
    InvoiceLinks(SettingsService &settings, WisePayApi &api,
                 std::chrono::milliseconds default_budget)
        : settings_(settings), api_(api), default_budget_(default_budget) {}

    // Refuses (throws Error, with a message for the portal user who clicked)
    // when the integration is disabled or has no key, or Wise-Pay refuses or
    // fails; see docs/wisepay-api.md for the mapping. What the click found
    // about the integration's health is written down for the admin.
    SsoSession open(const CheckedClick &click);

  private:
    void note(const storage::SettingsRecord &settings, storage::ClickOutcome outcome,
              Deadline deadline);

    SettingsService &settings_;
    WisePayApi &api_;
    const std::chrono::milliseconds default_budget_;
};

}  // namespace wisepay
