// "Test connection" on the Wise-Pay page: checks the key typed into the form
// (or, when none is typed, the saved one) against Wise-Pay through the
// plugin. The page's script (static/test_connection.js) asks for JSON and
// shows the answer without reloading, so a typed key stays in its field and
// the answer offers Save Settings at once. Without JavaScript the form is
// posted and the page redrawn, empty of the typed key (a secret is never
// written into a page), so the answer asks the admin to paste it again.
#include <boost/json.hpp>

#include "console.h"
#include "plugin_messages.h"
#include "responses.h"

namespace admin_console {
namespace {

namespace json = boost::json;

std::string merchant_name(const std::string &answer) {
    boost::system::error_code ec;
    const json::value root = json::parse(answer, ec);
    const json::object *object = ec ? nullptr : root.if_object();
    const json::value *name = object != nullptr ? object->if_contains("merchant_name") : nullptr;
    return name != nullptr && name->is_string() ? std::string(name->get_string())
                                                : std::string("Wise-Pay");
}

std::string submit_label(const PageDocument &page) {
    for (const auto &action : page.actions) {
        if (action.kind == "submit") {
            return action.label;
        }
    }
    return "Save";
}

// What static/test_connection.js shows: {kind, text, correlation_id,
// field_errors, offer_save, save_label}. Never the key.
Response json_answer(const PageMessage &message, const std::map<std::string, std::string> &errors,
                     bool offer_save, const std::string &save_label) {
    std::string text = message.text;
    for (const auto &detail : message.details) {
        text += " " + detail;
    }
    json::object fields;
    for (const auto &[name, sentence] : errors) {
        fields[name] = sentence;
    }
    const json::object answer{
        {"kind", message.kind == PageMessage::Kind::kSuccess ? "success" : "error"},
        {"text", text},
        {"correlation_id", message.correlation_id},
        {"field_errors", std::move(fields)},
        {"offer_save", offer_save},
        {"save_label", save_label}};
    return json_response(http::status::ok, json::serialize(answer));
}

}  // namespace

Response Console::test_connection(const Visitor &who, const FormData &form, bool wants_json) const {
    // The key typed into the secret field, if any; otherwise the plugin
    // tests the saved one.
    std::string typed;
    if (const FieldSpec *secret = page_.secret_field()) {
        typed = form.get(secret->name).value_or("");
    }
    const auto tested = plugin_.test_connection(options_.tenant_id, typed);
    const bool typed_a_key = !typed.empty();
    wipe_string(typed);

    PageMessage message;
    std::map<std::string, std::string> errors;
    const std::string save_label = submit_label(page_);
    if (tested.ok()) {
        message.kind = PageMessage::Kind::kSuccess;
        message.text = "Connected to " + merchant_name(tested.value()) + ".";
        if (typed_a_key) {
            // With the script, the key is still in the field and the answer
            // carries the Save button; without, the field comes back empty.
            message.text += wants_json ? " The key you typed is not saved yet."
                                       : " The key you typed is not saved yet: paste it again "
                                         "and choose " +
                                             save_label + ".";
        }
    } else {
        message = error_message(tested.error());
        split_field_errors(page_, tested.error().field_errors, errors, message.details);
    }
    if (wants_json) {
        return json_answer(message, errors, tested.ok() && typed_a_key, save_label);
    }
    // Whatever happened, the check itself worked: the page answers 200.
    LoadedSettings loaded = view_after_post(form);
    loaded.view.message = std::move(message);
    loaded.view.errors = std::move(errors);
    return integration_response(http::status::ok, who, std::move(loaded));
}

}  // namespace admin_console
