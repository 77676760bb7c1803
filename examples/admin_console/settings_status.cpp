// Reads get_settings' answer leniently: a member missing or of another type
// keeps its default, times are ISO 8601 UTC text read into Unix seconds
// (time_text.h), and a missing "health" means healthy.
#include "settings_status.h"

#include <boost/json.hpp>

#include <stdexcept>

#include "time_text.h"

namespace admin_console {
namespace {

namespace json = boost::json;

const json::value *member(const json::object *object, std::string_view name) {
    return object != nullptr ? object->if_contains(name) : nullptr;
}

std::string text_at(const json::object *object, std::string_view name) {
    const json::value *value = member(object, name);
    return value != nullptr && value->is_string() ? std::string(value->get_string())
                                                  : std::string();
}

bool bool_at(const json::object *object, std::string_view name, bool fallback = false) {
    const json::value *value = member(object, name);
    return value != nullptr && value->is_bool() ? value->get_bool() : fallback;
}

std::optional<std::int64_t> time_at(const json::object *object, std::string_view name) {
    const json::value *value = member(object, name);
    return value != nullptr && value->is_string() ? parse_iso_utc(value->get_string())
                                                  : std::nullopt;
}

}  // namespace

SettingsStatus status_from_settings(std::string_view settings_json) {
    boost::system::error_code ec;
    const json::value root = json::parse(settings_json, ec);
    const json::object *settings = ec ? nullptr : root.if_object();
    if (settings == nullptr) {
        throw std::runtime_error("the plugin's settings answer is not a JSON object");
    }
    SettingsStatus status;
    if (const json::value *version = member(settings, "version"); version && version->is_int64()) {
        status.version = version->get_int64();
    }
    status.enabled = bool_at(settings, "enabled");
    const json::value *key = member(settings, "api_key");
    const json::object *key_state = key != nullptr ? key->if_object() : nullptr;
    status.key_set = bool_at(key_state, "set");
    status.key_last4 = text_at(key_state, "last4");
    status.updated_at = time_at(settings, "updated_at");
    status.updated_by = text_at(settings, "updated_by");

    const json::value *health = member(settings, "health");
    const json::object *health_object = health != nullptr ? health->if_object() : nullptr;
    if (health_object != nullptr) {
        const std::string state = text_at(health_object, "state");
        status.health.state = state.empty() ? "ok" : state;
        status.health.since = time_at(health_object, "since");
        status.health.last_success = time_at(health_object, "last_success_at");
        status.health.message = text_at(health_object, "message");
    }
    status.link_available = bool_at(settings, "link_available", status.enabled && status.key_set);
    return status;
}

std::vector<std::string> warnings_from_save(std::string_view saved_json) {
    std::vector<std::string> warnings;
    boost::system::error_code ec;
    const json::value root = json::parse(saved_json, ec);
    const json::value *list = member(ec ? nullptr : root.if_object(), "warnings");
    if (list != nullptr && list->is_array()) {
        for (const auto &entry : list->get_array()) {
            if (entry.is_string() && !entry.get_string().empty()) {
                warnings.emplace_back(entry.get_string());
            }
        }
    }
    return warnings;
}

}  // namespace admin_console
