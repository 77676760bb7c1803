// Put in words: the changes plan_save() (settings_service.cpp) and
// reseal_keys() write. A document in which nothing is recognised comes back
// as it is.
#include "plugin/settings/audit_summary.h"

#include <boost/json.hpp>

namespace wisepay {
namespace {

namespace json = boost::json;

std::string text_of(const json::value *value) {
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

}  // namespace

std::string summarize_changes(std::string_view changes_json) {
    boost::system::error_code ec;
    const json::value doc = json::parse(changes_json, ec);
    if (ec || !doc.is_object())
        return std::string(changes_json);
    const json::object &changes = doc.get_object();
    std::string summary;
    auto add = [&summary](const std::string &part) {
        if (!summary.empty())
            summary += "; ";
        summary += part;
    };
    if (const json::value *enabled = changes.if_contains("enabled")) {
        const json::value *to =
            enabled->is_object() ? enabled->get_object().if_contains("to") : nullptr;
        if (to != nullptr && to->is_bool())
            add(to->get_bool() ? "Enabled turned on" : "Enabled turned off");
    }
    const std::string key = text_of(changes.if_contains("api_key"));
    if (key == "set") {
        add("API key set");
    } else if (key == "replaced") {
        add("API key replaced");
    } else if (key == "removed") {
        add("API key removed");
    } else if (key == "re-sealed") {
        add("API key re-sealed under master key " + text_of(changes.if_contains("to")));
    }
    if (summary.empty())
        return changes.empty() ? "Saved without changes" : std::string(changes_json);
    return summary;
}

}  // namespace wisepay
