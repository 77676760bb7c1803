// The customer side: a portal user clicks an invoice link, and the plugin
// gets a single-use Wise-Pay sign-in URL for the payer with that user's
// email. Also the admin's "Test connection".
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "plugin/config.h"
#include "plugin/settings/settings_service.h"
#include "plugin/wisepay/wisepay_api.h"

namespace wisepay {

struct InvoiceClick {
    std::string tenant_id;
    const char *user_email = nullptr;  // as the host passed them; checked here
    const char *invoice_id = nullptr;
    const char *invoice_number = nullptr;  // may be NULL
    const char *return_url = nullptr;      // may be NULL
    std::uint32_t deadline_ms = 0;         // 0: the config's default
};

class InvoiceLinks {
  public:
    InvoiceLinks(SettingsService &settings, WisePayApi &api, const Config &config)
        : settings_(settings), api_(api), config_(config) {}

    // Refuses (throws Error) when the click is malformed, the integration is
    // disabled or has no key, or Wise-Pay refuses or fails; see
    // docs/wisepay-api.md for the mapping.
    SsoSession open(const InvoiceClick &click);

    // Checks `typed_key` (a key typed but not saved) or else the saved key.
    Merchant test_connection(const std::string &tenant_id,
                             const std::optional<std::string_view> &typed_key,
                             std::uint32_t deadline_ms);

  private:
    Deadline deadline_for(std::uint32_t deadline_ms) const;

    SettingsService &settings_;
    WisePayApi &api_;
    const Config &config_;
};

}  // namespace wisepay
