// The Wise-Pay settings page: GET renders the plugin's page document with
// the current settings; POST saves them, or runs an action such as
// "Test connection", and shows the outcome on the same form.
#include <boost/json.hpp>

#include <charconv>
#include <cstdint>

#include "console.h"
#include "form_renderer.h"
#include "responses.h"
#include "settings_form.h"

namespace admin_console {
namespace {

namespace json = boost::json;

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

std::string submit_label(const PageDocument &page) {
    const ActionSpec *save = find_action(page, std::nullopt);
    return save != nullptr ? save->label : "save";
}

PageMessage error_message(const PluginError &error) {
    PageMessage message;
    message.kind = PageMessage::Kind::kError;
    message.text = error.message;
    message.correlation_id = error.correlation_id;
    return message;
}

// Field errors go beside their fields; one about a field this page does not
// show (should the plugin ever report such a thing) goes into the message.
void place_field_errors(const PageDocument &page, const std::vector<FieldError> &errors,
                        FormView &view) {
    for (const auto &error : errors) {
        if (page.find_field(error.field) != nullptr) {
            std::string &text = view.errors[error.field];
            text += text.empty() ? error.message : " " + error.message;
        } else {
            view.message.details.push_back(error.field + ": " + error.message);
        }
    }
}

std::string merchant_name(const std::string &answer) {
    boost::system::error_code ec;
    const json::value root = json::parse(answer, ec);
    const json::object *object = ec ? nullptr : root.if_object();
    const json::value *name = object != nullptr ? object->if_contains("merchant_name") : nullptr;
    return name != nullptr && name->is_string() ? std::string(name->get_string())
                                                : std::string("Wise-Pay");
}

}  // namespace

Response Console::show_integration(const Request &req, const Visitor &who) const {
    if (who.user == nullptr) {
        return see_other("/");
    }
    if (!who.user->admin) {
        return notice(http::status::forbidden, who.user, "Admins only",
                      "Only portal admins can see or change integrations.");
    }
    FormView view;
    http::status status = http::status::ok;
    const auto settings = plugin_.get_settings(options_.tenant_id);
    if (settings.ok()) {
        view = view_from_settings(page_, settings.value());
        const FormData query = FormData::parse(target_query(req.target()));
        if (query.get("saved") == "1") {
            view.message.kind = PageMessage::Kind::kSuccess;
            view.message.text = "Settings saved.";
        }
    } else {
        // The form is still drawn, so the admin sees what the page is about;
        // without a version it cannot be saved until a reload works.
        view = view_from_settings(page_, "{}");
        view.message = error_message(settings.error());
        status = status_for(settings.error().status);
    }
    return integration_response(status, who, std::move(view));
}

Response Console::post_integration(Request &req, const Visitor &who) const {
    if (who.user == nullptr || !who.user->admin) {
        return notice(http::status::forbidden, who.user, "Admins only",
                      "Only portal admins can change integrations.");
    }
    const FormData form = FormData::parse(req.body());
    if (!same_origin(req) || !csrf_ok(who, form)) {
        return notice(http::status::forbidden, who.user, "Form expired",
                      "This form is from an earlier sign-in or another site. Open the page "
                      "again and repeat the change.");
    }
    const ActionSpec *action = find_action(page_, form.get("action"));
    if (action == nullptr) {
        FormView view = view_after_post(form);
        view.message.kind = PageMessage::Kind::kError;
        view.message.text = "The page has no such action.";
        return integration_response(http::status::bad_request, who, std::move(view));
    }
    if (action->kind == "submit") {
        return save(who, form);
    }
    if (action->id == "test_connection") {
        return test_connection(who, form);
    }
    // An action this console does not know yet: the document may grow
    // faster than the host. Say so rather than pretend.
    FormView view = view_after_post(form);
    view.message.kind = PageMessage::Kind::kError;
    view.message.text = "This console cannot run \"" + action->label + "\" yet.";
    return integration_response(http::status::not_implemented, who, std::move(view));
}

Response Console::save(const Visitor &who, const FormData &form) const {
    std::int64_t version = 0;
    if (!parse_version(form.get("version").value_or(""), version)) {
        FormView view = view_after_post(form);
        view.message.kind = PageMessage::Kind::kError;
        view.message.text = "The form lost track of the settings version.";
        view.message.reload_url = kIntegrationPath;
        return integration_response(http::status::bad_request, who, std::move(view));
    }
    SettingsDraft draft;
    build_settings(page_, form, draft);
    if (!draft.errors.empty()) {
        FormView view = view_after_post(form);
        view.errors = draft.errors;
        view.message.kind = PageMessage::Kind::kError;
        view.message.text = "Check the fields marked below.";
        return integration_response(http::status::ok, who, std::move(view));
    }

    const auto saved =
        plugin_.save_settings(options_.tenant_id, who.user->email, version, draft.json);
    if (saved.ok()) {
        return see_other(std::string(kIntegrationPath) + "?saved=1");
    }
    const PluginError &error = saved.error();
    FormView view = view_after_post(form);
    view.message = error_message(error);
    http::status status = status_for(error.status);
    if (error.status == WISEPAY_E_VALIDATION) {
        // The form was fine as HTTP goes; it is redrawn with the problems.
        status = http::status::ok;
        place_field_errors(page_, error.field_errors, view);
    } else if (error.status == WISEPAY_E_CONFLICT) {
        view.message.reload_url = kIntegrationPath;
    }
    return integration_response(status, who, std::move(view));
}

Response Console::test_connection(const Visitor &who, const FormData &form) const {
    // The key typed into the secret field, if any; otherwise the plugin
    // tests the saved one.
    std::string typed;
    if (const FieldSpec *secret = page_.secret_field()) {
        typed = form.get(secret->name).value_or("");
    }
    const auto tested = plugin_.test_connection(options_.tenant_id, typed);
    const bool typed_a_key = !typed.empty();
    wipe_string(typed);

    // Whatever happened, the check itself worked: the page answers 200.
    FormView view = view_after_post(form);
    if (tested.ok()) {
        view.message.kind = PageMessage::Kind::kSuccess;
        view.message.text = "Connected to " + merchant_name(tested.value()) + ".";
        if (typed_a_key) {
            view.message.text += " The key you typed is not saved yet: paste it again and choose " +
                                 submit_label(page_) + ".";
        }
    } else {
        view.message = error_message(tested.error());
        place_field_errors(page_, tested.error().field_errors, view);
    }
    return integration_response(http::status::ok, who, std::move(view));
}

// The form as the admin left it: current secret state from the plugin, the
// admin's typed non-secret values and the version they were editing.
FormView Console::view_after_post(const FormData &form) const {
    FormView view;
    const auto settings = plugin_.get_settings(options_.tenant_id);
    view = view_from_settings(page_, settings.ok() ? settings.value() : std::string("{}"));
    view.last_saved.clear();
    show_submission(page_, form, view);
    return view;
}

Response Console::integration_response(http::status status, const Visitor &who,
                                       FormView view) const {
    view.form_action = kIntegrationPath;
    view.csrf_token = who.session ? who.session->csrf_token : std::string();
    return page(status, page_.title, who.user, render_integration_section(page_, view));
}

}  // namespace admin_console
