// The Wise-Pay section's HTML, every value escaped. A field's elements take
// ids from its name (field-, input-, help-, error-, state-, remove-<name>):
// the error summary links to them, aria-describedby names them, and
// static/test_connection.js finds them.
#include "form_renderer.h"

#include "html_escape.h"

namespace admin_console {
namespace {

using examples_common::html_escape;

std::string value_or_empty(const std::map<std::string, std::string> &map, const std::string &key) {
    const auto it = map.find(key);
    return it != map.end() ? it->second : std::string();
}

// "Check the highlighted field." with, below it, each field error as a link
// to its field (the pattern of GOV.UK's error summary).
std::string error_summary(const PageDocument &page, const FormView &view) {
    std::string out;
    for (const auto &field : page.fields) {
        const std::string error = value_or_empty(view.errors, field.name);
        if (!error.empty()) {
            out += "<li><a href=\"#input-" + html_escape(field.name) + "\">" +
                   html_escape(field.label) + ": " + html_escape(error) + "</a></li>";
        }
    }
    return out;
}

// The message area is always there (empty when there is nothing to say), so
// the page's script and tests can find it by id. An error is an alert, which
// a screen reader reads at once; anything else is a polite status.
std::string render_message(const PageDocument &page, const FormView &view) {
    const PageMessage &message = view.message;
    std::string kind = "message";
    std::string role = "status";
    switch (message.kind) {
        case PageMessage::Kind::kSuccess:
            kind += " success";
            break;
        case PageMessage::Kind::kWarning:
            kind += " warning";
            break;
        case PageMessage::Kind::kError:
            kind += " error";
            role = "alert";
            break;
        case PageMessage::Kind::kNone:
            break;
    }
    std::string out = "<div id=\"page-message\" class=\"" + kind + "\" role=\"" + role + "\">";
    if (message.kind != PageMessage::Kind::kNone) {
        out += "<p>" + html_escape(message.text);
        if (!message.reload_url.empty()) {
            out += " <a id=\"reload-link\" href=\"" + html_escape(message.reload_url) +
                   "\">Reload</a>";
        }
        out += "</p>";
        std::string items =
            message.kind == PageMessage::Kind::kError ? error_summary(page, view) : std::string();
        for (const auto &detail : message.details) {
            items += "<li>" + html_escape(detail) + "</li>";
        }
        if (!items.empty()) {
            out += "<ul>" + items + "</ul>";
        }
        if (!message.correlation_id.empty()) {
            out += "<p class=\"correlation\">Correlation id: <code>" +
                   html_escape(message.correlation_id) + "</code></p>";
        }
    }
    out += "</div>\n";
    return out;
}

// The <input> for one field, by its ui widget; unknown widgets get a text box.
std::string render_input(const FieldSpec &field, const FormView &view, bool first_error) {
    const std::string name = html_escape(field.name);
    std::string described_by = "help-" + name + " error-" + name;
    if (field.secret()) {
        described_by = "state-" + name + " " + described_by;
    }
    std::string common = " id=\"input-" + name + "\" name=\"" + name + "\" aria-describedby=\"" +
                         described_by + "\"";
    if (view.errors.contains(field.name)) {
        common += " aria-invalid=\"true\"";
    }
    if (first_error) {
        common += " autofocus";
    }
    if (field.secret()) {
        // Always empty: the key is write-only. The placeholder and the line
        // above the field tell the admin whether one is saved.
        const std::string autocomplete = field.autocomplete.empty() ? "off" : field.autocomplete;
        return "<input type=\"password\"" + common + " value=\"\" autocomplete=\"" +
               html_escape(autocomplete) + "\" spellcheck=\"false\" placeholder=\"" +
               html_escape(value_or_empty(view.placeholders, field.name)) + "\">";
    }
    if (field.checkbox()) {
        return "<input type=\"checkbox\"" + common + " value=\"on\"" +
               (view.checked.contains(field.name) ? " checked" : "") + ">";
    }
    std::string extra;
    if (field.allows("integer")) {
        extra = " inputmode=\"numeric\"";
    } else if (field.allows("number")) {
        extra = " inputmode=\"decimal\"";
    }
    if (!field.placeholder.empty()) {
        extra += " placeholder=\"" + html_escape(field.placeholder) + "\"";
    }
    if (!field.autocomplete.empty()) {
        extra += " autocomplete=\"" + html_escape(field.autocomplete) + "\"";
    }
    return "<input type=\"text\"" + common + " value=\"" +
           html_escape(value_or_empty(view.values, field.name)) + "\"" + extra + ">";
}

// A secret's saved state as a sentence, with a way to remove it.
std::string render_secret_state(const FieldSpec &field, const FormView &view) {
    const std::string name = html_escape(field.name);
    std::string out = "<p class=\"secret-state\" id=\"state-" + name + "\"><span class=\"state\">" +
                      html_escape(value_or_empty(view.secret_states, field.name)) + "</span>";
    const std::string remove_url = value_or_empty(view.remove_urls, field.name);
    if (!remove_url.empty()) {
        out += " <a class=\"small-action\" id=\"remove-" + name + "\" href=\"" +
               html_escape(remove_url) + "\">Remove key</a>";
    }
    return out + "</p>\n";
}

std::string render_field(const FieldSpec &field, const FormView &view, bool first_error) {
    const std::string name = html_escape(field.name);
    const std::string label = html_escape(field.label);
    const bool invalid = view.errors.contains(field.name);
    std::string out = "<div class=\"field" + std::string(field.checkbox() ? " checkbox" : "") +
                      (invalid ? " invalid" : "") + "\" id=\"field-" + name + "\">\n";
    if (field.checkbox()) {
        // The box sits inside its label, so the whole line is clickable.
        out += "<label for=\"input-" + name + "\">" + render_input(field, view, first_error) + " " +
               label + "</label>\n";
    } else {
        out += "<label for=\"input-" + name + "\">" + label + "</label>\n";
        if (field.secret()) {
            out += render_secret_state(field, view);
        }
        out += render_input(field, view, first_error) + "\n";
    }
    out += "<p class=\"help\" id=\"help-" + name + "\">" + html_escape(field.help) + "</p>\n";
    std::string error = value_or_empty(view.errors, field.name);
    if (!error.empty() && view.cleared_secrets.contains(field.name)) {
        error += " The key you typed is not shown again: paste it into the field once more.";
    }
    out +=
        "<span class=\"field-error\" id=\"error-" + name + "\">" + html_escape(error) + "</span>\n";
    out += "</div>\n";
    return out;
}

// Every action is a submit button named "action": the "submit" kind saves,
// any other id is a call the console performs on the typed values.
std::string render_action(const ActionSpec &action) {
    const bool primary = action.primary || action.kind == "submit";
    return "<button type=\"submit\" name=\"action\" value=\"" + html_escape(action.id) + "\"" +
           (primary ? " class=\"primary\"" : "") + ">" + html_escape(action.label) + "</button>\n";
}

}  // namespace

std::string render_integration_section(const PageDocument &page, const FormView &view) {
    std::string out = "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\">" +
                      html_escape(page.menu) + " <span aria-hidden=\"true\">&rsaquo;</span> " +
                      html_escape(page.title) + "</nav>\n";
    out += "<h1>" + html_escape(page.title) + "</h1>\n";
    if (!page.description.empty()) {
        out += "<p class=\"description\">" + html_escape(page.description) + "</p>\n";
    }
    out += render_message(page, view);
    out += view.before_form_html;
    out += "<form method=\"post\" action=\"" + html_escape(view.form_action) +
           "\" class=\"settings\" id=\"settings-form\"";
    if (!view.background_action.empty()) {
        out += " data-test-action=\"" + html_escape(view.background_action) + "\"";
    }
    out += " novalidate>\n";
    out += "<input type=\"hidden\" name=\"csrf_token\" value=\"" + html_escape(view.csrf_token) +
           "\">\n";
    out += "<input type=\"hidden\" name=\"version\" value=\"" + html_escape(view.version) + "\">\n";
    bool focus_taken = false;
    for (const auto &field : page.fields) {
        const bool first_error = !focus_taken && view.errors.contains(field.name);
        focus_taken = focus_taken || first_error;
        out += render_field(field, view, first_error);
    }
    out += "<div class=\"actions\">\n";
    for (const auto &action : page.actions) {
        out += render_action(action);
    }
    out += "</div>\n</form>\n";
    out += view.after_form_html;
    return out;
}

}  // namespace admin_console
