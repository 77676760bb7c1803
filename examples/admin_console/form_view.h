// What the Wise-Pay form shows, independent of how it is drawn: values per
// field, the saved secret's state, errors and the page-level message. Built
// by settings_form.cpp and the handlers, drawn by form_renderer.cpp.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace admin_console {

struct PageMessage {
    enum class Kind { kNone, kSuccess, kWarning, kError };
    Kind kind = Kind::kNone;
    std::string text;
    std::string correlation_id;  // shown when non-empty
    std::string reload_url;      // a "Reload" link when non-empty
    // A list under the text: the plugin's warnings, or errors about fields
    // the page does not show.
    std::vector<std::string> details;
};

struct FormView {
    std::string form_action;  // where the form posts
    std::string csrf_token;
    std::string version;                        // the settings version the admin is editing
    std::map<std::string, std::string> values;  // non-secret inputs' text
    std::set<std::string> checked;              // checkboxes that are ticked
    // Secret fields: what the placeholder says ("set, ends in d6a5"), and
    // the same as a sentence beside the field ("Key ending in d6a5 saved.").
    std::map<std::string, std::string> placeholders;
    std::map<std::string, std::string> secret_states;
    std::set<std::string> saved_secrets;  // secret fields with a value saved
    // Secret fields whose saved value can be removed: the address of the
    // page that asks the admin to confirm.
    std::map<std::string, std::string> remove_urls;
    // Secret fields typed into before a POST that did not save: they come
    // back empty (a secret is never written into a page), and say so.
    std::set<std::string> cleared_secrets;
    std::map<std::string, std::string> errors;  // field -> message
    PageMessage message;
    // The ui action that static/test_connection.js runs without leaving the
    // page ("test_connection"); "" for none.
    std::string background_action;
    // HTML, already escaped, that the console draws around the form: the
    // health banner before it; the last-saved line and the history after.
    std::string before_form_html;
    std::string after_form_html;
};

}  // namespace admin_console
