// "Test connection" on the settings page: whether Wise-Pay accepts a key the
// admin typed (checked like a save first) or else the tenant's saved key,
// and whose it is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "plugin/settings/settings_service.h"
#include "plugin/util/deadline.h"
#include "plugin/wisepay/wisepay_api.h"

namespace wisepay {

// The merchant the key belongs to. Throws Error: WISEPAY_E_VALIDATION on
// "api_key" for a malformed typed key, WISEPAY_E_NO_API_KEY, and what
// WisePayApi::verify_key throws.
Merchant test_connection(SettingsService &settings, WisePayApi &wisepay,
                         const std::string &tenant_id,
                         const std::optional<std::string_view> &typed_key, Deadline deadline);

}  // namespace wisepay
