// Between the settings JSON and the HTML form, in both directions, driven by
// the page document: which fields exist, their schema types and ui hints.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "form_data.h"
#include "form_view.h"
#include "page_document.h"

namespace admin_console {

// The form as get_settings says things are now. Throws std::runtime_error
// when the settings JSON is unreadable.
FormView view_from_settings(const PageDocument &page, std::string_view settings_json);

// After a POST that did not save: shows what the admin typed (never a
// secret) and keeps the version they were editing.
void show_submission(const PageDocument &page, const FormData &form, FormView &view);

// The settings object for save_settings, built from the form. `json` holds
// the typed key: the caller wipes it after the call.
struct SettingsDraft {
    std::string json;
    std::map<std::string, std::string> errors;  // values this host cannot convert
    SettingsDraft() = default;
    SettingsDraft(const SettingsDraft &) = delete;
    SettingsDraft &operator=(const SettingsDraft &) = delete;
    ~SettingsDraft();
};
void build_settings(const PageDocument &page, const FormData &form, SettingsDraft &draft);

}  // namespace admin_console
