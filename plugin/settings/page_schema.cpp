// The page document, built once. The API key's pattern is made from the
// limits (settings_input.h) and the paste padding (text.h) a save checks
// with, so the schema and the plugin accept the same keys.
#include "plugin/settings/page_schema.h"

#include <string>

#include <boost/json.hpp>

#include "plugin/settings/settings_input.h"
#include "plugin/util/text.h"

namespace wisepay::page {
namespace {

namespace json = boost::json;

// Where an admin finds the key, in Wise-Pay's own menu words.
constexpr const char *kApiKeyHelp =
    "In Wise-Pay, open Configure > Merchants > Integrations > Desk Director > Display and copy "
    "the API key shown there. Once saved, the key is never shown again; only its last four "
    "characters are. Leave the field empty to keep the saved key.";

constexpr const char *kEnabledHelp =
    "When checked, portal users who click an invoice link are signed in to Wise-Pay as the payer "
    "with their email address. Needs a saved API key.";

std::string api_key_pattern() {
    const std::string padding = text::kPastedPaddingClass;
    return "^" + padding + "*[!-~]{" + std::to_string(limits::kApiKeyMinLength) + "," +
           std::to_string(limits::kApiKeyMaxLength) + "}" + padding + "*$";
}

json::object settings_schema() {
    json::object api_key{
        {"title", "API Key"},
        {"description", kApiKeyHelp},
        // null removes the saved key; absent keeps it.
        {"type", json::array{"string", "null"}},
        {"writeOnly", true},
        // 8 to 256 printable ASCII characters without spaces, with the
        // padding a paste brings along around them (the plugin trims it).
        // No minLength/maxLength: they would count the padding too.
        {"pattern", api_key_pattern()},
    };
    json::object enabled{
        {"title", "Enabled"},
        {"description", kEnabledHelp},
        {"type", "boolean"},
        {"default", false},
    };
    return json::object{
        {"$schema", "https://json-schema.org/draft/2020-12/schema"},
        {"$id", "urn:wisepay-plugin:settings:1"},
        {"title", "Wise-Pay settings"},
        {"type", "object"},
        {"properties", json::object{{"api_key", api_key}, {"enabled", enabled}}},
        {"additionalProperties", false},
    };
}

json::object ui_hints() {
    return json::object{
        {"order", json::array{"api_key", "enabled"}},
        {"fields",
         json::object{
             {"api_key", json::object{{"label", "API Key"},
                                      {"widget", "password"},
                                      {"help", kApiKeyHelp},
                                      {"placeholder", "Paste the merchant API key"},
                                      // A form must not send "" for an untouched key field:
                                      // that is an error, while leaving it out keeps the key.
                                      {"omit_when_empty", true},
                                      {"autocomplete", "off"}}},
             {"enabled",
              json::object{{"label", "Enabled"}, {"widget", "checkbox"}, {"help", kEnabledHelp}}},
         }},
        {"actions",
         json::array{
             json::object{
                 {"id", "save"}, {"label", "Save Settings"}, {"kind", "submit"}, {"primary", true}},
             json::object{
                 {"id", "test_connection"}, {"label", "Test connection"}, {"kind", "call"}},
         }},
    };
}

}  // namespace

const std::string &document() {
    static const std::string text = json::serialize(json::object{
        {"page_id", kPageId},
        {"menu", kMenu},
        {"title", kTitle},
        {"description",
         "Connect the portal to Wise-Pay so that invoice links open the payer's Wise-Pay "
         "dashboard, already signed in."},
        {"schema", settings_schema()},
        {"ui", ui_hints()},
    });
    return text;
}

}  // namespace wisepay::page
