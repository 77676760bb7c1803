// What get_settings says about a tenant besides the form's values: whether
// an invoice link can work now, the integration's health as the last invoice
// clicks found it, the saved key's state, and who saved last and when. Read
// from the plugin's JSON answer (abi/wisepay_plugin.h, get_settings).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace admin_console {

struct HealthStatus {
    // As the plugin names it: "ok", "key_rejected", "upstream_disabled",
    // "unreachable" (or a state a later plugin adds).
    std::string state = "ok";
    std::optional<std::int64_t> since;         // Unix seconds
    std::optional<std::int64_t> last_success;  // the last click known to have worked
    std::string message;                       // for the admin: what is wrong, what to do

    bool ok() const { return state == "ok"; }
};

struct SettingsStatus {
    std::int64_t version = 0;
    bool enabled = false;
    bool key_set = false;
    std::string key_last4;
    std::optional<std::int64_t> updated_at;  // Unix seconds; nothing before the first save
    std::string updated_by;
    HealthStatus health;
    bool link_available = false;  // show invoice links only then
};

// Throws std::runtime_error when the answer is not a JSON object. A plugin
// that predates "health" and "link_available" gets a healthy state, and
// links whenever Enabled is ticked and a key is saved.
SettingsStatus status_from_settings(std::string_view settings_json);

// The sentences in save_settings' "warnings" (e.g. the key was saved
// unchecked because Wise-Pay could not be reached); none when it has none or
// the answer cannot be read.
std::vector<std::string> warnings_from_save(std::string_view saved_json);

}  // namespace admin_console
