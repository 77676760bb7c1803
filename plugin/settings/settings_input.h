// Checking what a host sends on save: tenant, actor and the settings object.
// Every rule lives here, and page_schema.cpp states the same limits to the
// host, from the same constants.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "plugin/util/secret.h"

namespace wisepay {

namespace limits {
inline constexpr std::size_t kApiKeyMinLength = 8;
inline constexpr std::size_t kApiKeyMaxLength = 256;
inline constexpr std::size_t kSettingsMaxBytes = 16 * 1024;
inline constexpr std::size_t kTenantIdMaxLength = 64;
inline constexpr std::size_t kActorMaxLength = 320;
}  // namespace limits

// The one change a save makes to the stored API key.
struct ApiKeyChange {
    enum class Kind { kKeep, kSet, kRemove };
    Kind kind = Kind::kKeep;
    SecretBytes value;  // trimmed key, only for kSet
};

struct SettingsPatch {
    ApiKeyChange api_key;
    std::optional<bool> enabled;  // nullopt keeps the stored value
};

// Returns the tenant id, or throws Error (WISEPAY_E_INVALID_ARGUMENT) unless
// it is 1-64 of [A-Za-z0-9._-] starting with a letter or digit.
std::string check_tenant_id(const char *tenant_id);

// Returns the actor, or throws unless it is non-empty UTF-8 without control
// characters, at most kActorMaxLength bytes.
std::string check_actor(const char *actor);

// Checks an API key the way a save does: trims the padding a paste carries
// (Unicode white space, zero-width characters; text::trim_pasted) and
// returns the key, or returns the field error message that rejects it.
struct ApiKeyCheck {
    std::optional<SecretBytes> key;
    std::string problem;  // set when key is empty
};
ApiKeyCheck check_api_key(std::string_view raw);

// Parses and validates the settings object of a save. Throws Error:
// WISEPAY_E_INVALID_ARGUMENT for malformed JSON, a non-object or an oversized
// document; WISEPAY_E_VALIDATION with one field error per bad field. The
// parse wipes every buffer that held the key.
SettingsPatch parse_settings_patch(std::string_view json);

}  // namespace wisepay
