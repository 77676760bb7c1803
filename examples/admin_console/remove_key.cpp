// Removing the saved API key, in two steps: GET asks the admin to confirm
// (which key, and what stops working), POST saves "api_key": null. The
// plugin refuses Enabled without a key (docs/settings.md), so when Enabled
// is ticked the same save unticks it, and the confirmation says so.
#include <boost/json.hpp>

#include <charconv>

#include "console.h"
#include "html_escape.h"
#include "plugin_messages.h"
#include "responses.h"

namespace admin_console {
namespace {

using examples_common::html_escape;

// The checkbox that cannot stay ticked without a key.
constexpr std::string_view kEnabledField = "enabled";

std::string confirmation_section(const SettingsStatus &status, std::string_view csrf_token) {
    std::string out = "<h1>Remove the saved API key?</h1>\n";
    out += "<p id=\"remove-what\">The key ending in " + html_escape(status.key_last4) +
           " is deleted from the portal. Portal users cannot pay invoices with Wise-Pay until "
           "a new key is saved.</p>\n";
    if (status.enabled) {
        out +=
            "<p id=\"remove-enabled\">Enabled is switched off with it, since the integration "
            "cannot work without a key.</p>\n";
    }
    out += "<form method=\"post\" action=\"" + html_escape(Console::kRemoveKeyPath) + "\">\n";
    out +=
        "<input type=\"hidden\" name=\"csrf_token\" value=\"" + html_escape(csrf_token) + "\">\n";
    out += "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(status.version) +
           "\">\n";
    out +=
        "<div class=\"actions\">\n<button type=\"submit\" class=\"danger\" "
        "id=\"confirm-remove\">Remove key</button>\n";
    out += "<a class=\"button\" id=\"cancel-remove\" href=\"" +
           html_escape(Console::kIntegrationPath) + "\">Cancel</a>\n</div>\n</form>\n";
    return out;
}

}  // namespace

Response Console::remove_key_page(const Visitor &who) const {
    if (auto refused = refuse_unless_admin(who)) {
        return std::move(*refused);
    }
    LoadedSettings loaded = load_settings();
    if (!loaded.status) {
        return notice(status_for(loaded.error->status), who.user, "Settings not available",
                      loaded.error->message);
    }
    if (!loaded.status->key_set) {
        return page(http::status::ok, "No key saved", who.user,
                    notice_section("No key saved", "There is no saved API key to remove.",
                                   kIntegrationPath, "Back to Wise-Pay"));
    }
    return page(http::status::ok, "Remove the saved API key?", who.user,
                confirmation_section(*loaded.status, who.session->csrf_token));
}

Response Console::remove_key(const Request &req, const Visitor &who) const {
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
    const FieldSpec *secret = page_.secret_field();
    const std::string version_text = form.get("version").value_or("");
    std::int64_t version = -1;
    std::from_chars(version_text.data(), version_text.data() + version_text.size(), version);
    LoadedSettings loaded = load_settings();
    if (secret == nullptr || !secret->allows("null") || !loaded.status || version < 0) {
        loaded.view.message.kind = PageMessage::Kind::kError;
        loaded.view.message.text = loaded.error ? loaded.error->message
                                                : "The key could not be removed: reload the page "
                                                  "and try again.";
        loaded.view.message.reload_url = kIntegrationPath;
        return integration_response(http::status::bad_request, who, std::move(loaded));
    }
    // Saved against the version the admin confirmed: had anyone saved since,
    // this is a conflict, so the Enabled read here is the one they saw.
    boost::json::object change{{secret->name, nullptr}};
    const FieldSpec *enabled = page_.find_field(kEnabledField);
    if (enabled != nullptr && enabled->checkbox() && loaded.status->enabled) {
        change[kEnabledField] = false;
    }
    const std::string json = boost::json::serialize(change);
    const auto saved = plugin_.save_settings(options_.tenant_id, who.user->email, version, json);
    if (saved.ok()) {
        sessions_.set_flash(who.session->id,
                            Flash{"API key removed.", warnings_from_save(saved.value())});
        return see_other(kIntegrationPath);
    }
    loaded.view.message = error_message(saved.error());
    if (saved.error().status == WISEPAY_E_CONFLICT) {
        loaded.view.message.reload_url = kIntegrationPath;
    }
    split_field_errors(page_, saved.error().field_errors, loaded.view.errors,
                       loaded.view.message.details);
    return integration_response(status_for(saved.error().status), who, std::move(loaded));
}

}  // namespace admin_console
