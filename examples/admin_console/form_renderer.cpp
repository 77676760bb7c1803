#include "form_renderer.h"

#include "html_escape.h"

namespace admin_console {
namespace {

using examples_common::html_escape;

std::string value_or_empty(const std::map<std::string, std::string> &map, const std::string &key) {
    const auto it = map.find(key);
    return it != map.end() ? it->second : std::string();
}

// The message area is always there (empty when there is nothing to say), so
// scripts and tests can find it by id.
std::string render_message(const PageMessage &message) {
    std::string kind = "message";
    if (message.kind == PageMessage::Kind::kSuccess) {
        kind += " success";
    } else if (message.kind == PageMessage::Kind::kError) {
        kind += " error";
    }
    std::string out = "<div id=\"page-message\" class=\"" + kind + "\" role=\"status\">";
    if (message.kind != PageMessage::Kind::kNone) {
        out += "<p>" + html_escape(message.text);
        if (!message.reload_url.empty()) {
            out += " <a id=\"reload-link\" href=\"" + html_escape(message.reload_url) +
                   "\">Reload</a>";
        }
        out += "</p>";
        if (!message.details.empty()) {
            out += "<ul>";
            for (const auto &detail : message.details) {
                out += "<li>" + html_escape(detail) + "</li>";
            }
            out += "</ul>";
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
std::string render_input(const FieldSpec &field, const FormView &view) {
    const std::string name = html_escape(field.name);
    std::string common = " id=\"input-" + name + "\" name=\"" + name +
                         "\" aria-describedby=\"help-" + name + " error-" + name + "\"";
    if (field.secret()) {
        // Always empty: the key is write-only. The placeholder tells the
        // admin whether one is saved.
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

std::string render_field(const FieldSpec &field, const FormView &view) {
    const std::string name = html_escape(field.name);
    const std::string label = html_escape(field.label);
    std::string out = "<div class=\"field" + std::string(field.checkbox() ? " checkbox" : "") +
                      "\" id=\"field-" + name + "\">\n";
    if (field.checkbox()) {
        // The box sits inside its label, so the whole line is clickable.
        out += "<label for=\"input-" + name + "\">" + render_input(field, view) + " " + label +
               "</label>\n";
    } else {
        out += "<label for=\"input-" + name + "\">" + label + "</label>\n";
        out += render_input(field, view) + "\n";
    }
    out += "<p class=\"help\" id=\"help-" + name + "\">" + html_escape(field.help) + "</p>\n";
    out += "<span class=\"field-error\" id=\"error-" + name + "\">" +
           html_escape(value_or_empty(view.errors, field.name)) + "</span>\n";
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
    out += render_message(view.message);
    out += "<form method=\"post\" action=\"" + html_escape(view.form_action) +
           "\" class=\"settings\" novalidate>\n";
    out += "<input type=\"hidden\" name=\"csrf_token\" value=\"" + html_escape(view.csrf_token) +
           "\">\n";
    out += "<input type=\"hidden\" name=\"version\" value=\"" + html_escape(view.version) + "\">\n";
    for (const auto &field : page.fields) {
        out += render_field(field, view);
    }
    out += "<div class=\"actions\">\n";
    for (const auto &action : page.actions) {
        out += render_action(action);
    }
    out += "</div>\n</form>\n";
    if (!view.last_saved.empty()) {
        out += "<p class=\"last-saved\">" + html_escape(view.last_saved) + "</p>\n";
    }
    return out;
}

}  // namespace admin_console
