// What the Wise-Pay form shows, independent of how it is drawn: values per
// field, the current secret state, errors and the page-level message. Built
// by settings_form.cpp, drawn by form_renderer.cpp.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace admin_console {

struct PageMessage {
    enum class Kind { kNone, kSuccess, kError };
    Kind kind = Kind::kNone;
    std::string text;
    std::string correlation_id;        // shown when non-empty
    std::string reload_url;            // a "Reload" link when non-empty
    std::vector<std::string> details;  // e.g. errors on fields the page lacks
};

struct FormView {
    std::string form_action;  // where the form posts
    std::string csrf_token;
    std::string version;                        // the settings version the admin is editing
    std::map<std::string, std::string> values;  // non-secret inputs' text
    std::set<std::string> checked;              // checkboxes that are ticked
    // Secret fields: what the placeholder says ("set, ends in d6a5").
    std::map<std::string, std::string> placeholders;
    std::map<std::string, std::string> errors;  // field -> message
    PageMessage message;
    std::string last_saved;  // "Last saved ... by ...", or ""
};

}  // namespace admin_console
