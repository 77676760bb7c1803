// Fuzzes what an admin's save sends: the settings JSON (with the API key)
// and the tenant and actor strings. Any input must give a value or an Error.
#include <cstdint>
#include <string>

#include "plugin/settings/settings_input.h"
#include "plugin/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);
    try {
        wisepay::SettingsPatch patch = wisepay::parse_settings_patch(text);
        if (patch.api_key.kind == wisepay::ApiKeyChange::Kind::kSet &&
            (patch.api_key.value.size() < wisepay::limits::kApiKeyMinLength ||
             patch.api_key.value.size() > wisepay::limits::kApiKeyMaxLength)) {
            __builtin_trap();  // validation let through a key it must refuse
        }
    } catch (const wisepay::Error &) {
    }
    for (auto check : {&wisepay::check_tenant_id, &wisepay::check_actor}) {
        try {
            check(text.c_str());
        } catch (const wisepay::Error &) {
        }
    }
    return 0;
}
