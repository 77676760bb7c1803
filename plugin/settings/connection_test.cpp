// A typed key is checked as a save checks one before Wise-Pay is asked about
// it; without one, the tenant's saved key is opened and used.
#include "plugin/settings/connection_test.h"

#include "plugin/settings/settings_input.h"
#include "plugin/util/error.h"

namespace wisepay {

Merchant test_connection(SettingsService &settings, WisePayApi &wisepay,
                         const std::string &tenant_id,
                         const std::optional<std::string_view> &typed_key, Deadline deadline) {
    if (typed_key) {
        ApiKeyCheck check = check_api_key(*typed_key);
        if (!check.key) {
            throw Error::validation({{"api_key", check.problem}});
        }
        return wisepay.verify_key(*check.key, deadline);
    }
    const auto saved = settings.current(tenant_id, deadline);
    return wisepay.verify_key(settings.open_api_key(*saved), deadline);
}

}  // namespace wisepay
