// The Wise-Pay settings page: GET renders the plugin's page document with
// the current settings, the health banner and the history; POST saves them,
// or runs an action such as "Test connection" (connection_test.cpp), and
// shows the outcome on the same form. A save that worked redirects back to
// the page, which then says "Settings saved." with the plugin's warnings.
#include <charconv>
#include <cstdint>
#include <stdexcept>

#include "console.h"
#include "form_renderer.h"
#include "health_banner.h"
#include "history_section.h"
#include "plugin_messages.h"
#include "responses.h"
#include "settings_form.h"

namespace admin_console {
namespace {

// Entries of the History section per page.
constexpr std::uint32_t kHistoryPageSize = 10;
// The ui action static/test_connection.js runs without leaving the page.
constexpr std::string_view kTestConnection = "test_connection";

bool parse_version(std::string_view text, std::int64_t &out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && out >= 0;
}

// Pressing Enter in a text box submits without naming a button; that means
// the form's "submit" action (saving).
const ActionSpec *find_action(const PageDocument &page, const std::optional<std::string> &id) {
    for (const auto &action : page.actions) {
        if (id ? action.id == *id : action.kind == "submit") {
            return &action;
        }
    }
    return nullptr;
}

}  // namespace

Console::LoadedSettings Console::load_settings() const {
    LoadedSettings loaded;
    const auto settings = plugin_.get_settings(options_.tenant_id);
    if (!settings.ok()) {
        // The form is still drawn, so the admin sees what the page is about;
        // without a version it cannot be saved until a reload works.
        loaded.view = view_from_settings(page_, "{}");
        loaded.error = settings.error();
        return loaded;
    }
    loaded.view = view_from_settings(page_, settings.value());
    loaded.status = status_from_settings(settings.value());
    return loaded;
}

Response Console::show_integration(const Request &req, const Visitor &who) const {
    if (auto refused = refuse_unless_admin(who)) {
        return std::move(*refused);
    }
    const FormData query = FormData::parse(target_query(req.target()));
    std::int64_t history_before = 0;
    if (!parse_version(query.get("history_before").value_or("0"), history_before)) {
        history_before = 0;
    }
    LoadedSettings loaded = load_settings();
    PageMessage &message = loaded.view.message;
    http::status status = http::status::ok;
    if (loaded.error) {
        message = error_message(*loaded.error);
        status = status_for(loaded.error->status);
    } else if (auto flash = sessions_.take_flash(who.session->id)) {
        message.kind =
            flash->warnings.empty() ? PageMessage::Kind::kSuccess : PageMessage::Kind::kWarning;
        message.text = flash->text;
        message.details = std::move(flash->warnings);
    }
    return integration_response(status, who, std::move(loaded), history_before);
}

Response Console::post_integration(const Request &req, const Visitor &who) const {
    const bool wants_json = accepts_json(req);
    if (who.user == nullptr || !who.user->admin) {
        return notice(http::status::forbidden, who.user, "Admins only",
                      "Only portal admins can change integrations.");
    }
    const FormData form = FormData::parse(req.body());
    if (!same_origin(req) || !csrf_ok(who, form)) {
        constexpr std::string_view kExpired =
            "This form is from an earlier sign-in or another site. Open the page again and "
            "repeat the change.";
        if (wants_json) {
            return json_response(http::status::forbidden,
                                 "{\"kind\":\"error\",\"text\":\"" + std::string(kExpired) + "\"}");
        }
        return notice(http::status::forbidden, who.user, "Form expired", kExpired);
    }
    const ActionSpec *action = find_action(page_, form.get("action"));
    if (action == nullptr) {
        LoadedSettings loaded = view_after_post(form);
        FormView &view = loaded.view;
        view.message.kind = PageMessage::Kind::kError;
        view.message.text = "The page has no such action.";
        return integration_response(http::status::bad_request, who, std::move(loaded));
    }
    if (action->kind == "submit") {
        return save(who, form);
    }
    if (action->id == kTestConnection) {
        return test_connection(who, form, wants_json);
    }
    // An action this console does not know yet: the document may grow
    // faster than the host. Say so rather than pretend.
    LoadedSettings loaded = view_after_post(form);
    FormView &view = loaded.view;
    view.message.kind = PageMessage::Kind::kError;
    view.message.text = "This console cannot run \"" + action->label + "\" yet.";
    return integration_response(http::status::not_implemented, who, std::move(loaded));
}

Response Console::save(const Visitor &who, const FormData &form) const {
    std::int64_t version = 0;
    if (!parse_version(form.get("version").value_or(""), version)) {
        LoadedSettings loaded = view_after_post(form);
        FormView &view = loaded.view;
        view.message.kind = PageMessage::Kind::kError;
        view.message.text = "The form lost track of the settings version.";
        view.message.reload_url = kIntegrationPath;
        return integration_response(http::status::bad_request, who, std::move(loaded));
    }
    SettingsDraft draft;
    build_settings(page_, form, draft);
    if (!draft.errors.empty()) {
        LoadedSettings loaded = view_after_post(form);
        FormView &view = loaded.view;
        view.errors = draft.errors;
        view.message.kind = PageMessage::Kind::kError;
        view.message.text = check_fields_text(draft.errors.size());
        return integration_response(http::status::ok, who, std::move(loaded));
    }

    const auto saved =
        plugin_.save_settings(options_.tenant_id, who.user->email, version, draft.json);
    if (saved.ok()) {
        // Said on the page the redirect leads to, once.
        sessions_.set_flash(who.session->id,
                            Flash{"Settings saved.", warnings_from_save(saved.value())});
        return see_other(kIntegrationPath);
    }
    const PluginError &error = saved.error();
    LoadedSettings loaded = view_after_post(form);
    FormView &view = loaded.view;
    view.message = error_message(error);
    http::status status = status_for(error.status);
    if (error.status == WISEPAY_E_VALIDATION) {
        // The form was fine as HTTP goes; it is redrawn with the problems
        // (a key Wise-Pay refuses among them) beside their fields.
        status = http::status::ok;
        split_field_errors(page_, error.field_errors, view.errors, view.message.details);
    } else if (error.status == WISEPAY_E_CONFLICT) {
        view.message.reload_url = kIntegrationPath;
    }
    return integration_response(status, who, std::move(loaded));
}

// The form as the admin left it: current secret state from the plugin, the
// admin's typed non-secret values and the version they were editing.
Console::LoadedSettings Console::view_after_post(const FormData &form) const {
    LoadedSettings loaded = load_settings();
    show_submission(page_, form, loaded.view);
    return loaded;
}

Response Console::integration_response(http::status status, const Visitor &who,
                                       LoadedSettings loaded, std::int64_t history_before) const {
    FormView &view = loaded.view;
    view.form_action = kIntegrationPath;
    view.csrf_token = who.session ? who.session->csrf_token : std::string();
    if (find_action(page_, std::string(kTestConnection)) != nullptr) {
        view.background_action = kTestConnection;
    }
    for (const auto &name : view.saved_secrets) {
        // A secret the schema lets be null can be removed ("api_key": null).
        const FieldSpec *field = page_.find_field(name);
        if (field != nullptr && field->allows("null") && field == page_.secret_field()) {
            view.remove_urls[name] = kRemoveKeyPath;
        }
    }

    if (loaded.status) {
        view.before_form_html = health_banner(loaded.status->health);
        view.after_form_html = last_saved_line(*loaded.status);
    }
    HistoryView history;
    history.before_id = history_before;
    history.page_url = kIntegrationPath;
    auto entries = plugin_.audit_page(options_.tenant_id, kHistoryPageSize, history_before);
    if (entries.ok()) {
        history.page = std::move(entries.value());
    } else {
        history.problem = entries.error().message;
    }
    view.after_form_html += history_section(history);

    return page(status, page_.title, who.user, render_integration_section(page_, view),
                {"/static/local_time.js", "/static/test_connection.js"});
}

}  // namespace admin_console
