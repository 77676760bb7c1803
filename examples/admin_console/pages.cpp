// The console's own HTML, every interpolated value escaped. The Opening page
// carries its script's sentences in data- attributes, so all its words are
// written here, and a <noscript> form that posts the script's request.
#include "pages.h"

#include "html_escape.h"

namespace admin_console {
namespace {

using examples_common::html_escape;

std::string header_html(const Chrome &chrome) {
    std::string out = "<header>\n";
    if (chrome.user != nullptr) {
        out += "<span class=\"who\" id=\"signed-in-as\">Signed in as " +
               html_escape(chrome.user->name) + " <small>" + html_escape(chrome.user->email) +
               (chrome.user->admin ? ", admin" : "") + "</small></span>\n";
    } else {
        out += "<span class=\"who\" id=\"signed-in-as\">Not signed in</span>\n";
    }
    out += "<nav aria-label=\"Portal\">";
    if (chrome.user != nullptr) {
        if (chrome.user->admin) {
            out += "<a id=\"nav-integration\" href=\"" + html_escape(chrome.integration_url) +
                   "\">" + html_escape(chrome.integration_label) + "</a> &middot; ";
        }
        out += "<a id=\"nav-invoices\" href=\"/invoices\">Invoices</a> &middot; ";
    }
    out += "<a href=\"/\">" + std::string(chrome.user != nullptr ? "Switch user" : "Sign in") +
           "</a></nav>\n";
    out += "</header>\n";
    return out;
}

}  // namespace

bool is_web_url(std::string_view url) {
    return url.starts_with("https://") || url.starts_with("http://");
}

std::string layout(std::string_view title, const Chrome &chrome, std::string_view main_html,
                   const std::vector<std::string_view> &scripts) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    out += html_escape(title);
    out += " - Customer Portal Admin</title>\n";
    out += "<link rel=\"stylesheet\" href=\"/static/console.css\">\n";
    for (const auto script : scripts) {
        out += "<script src=\"" + html_escape(script) + "\" defer></script>\n";
    }
    out += "</head>\n<body>\n";
    out += header_html(chrome);
    out += "<main>\n";
    out += main_html;
    out += "</main>\n</body>\n</html>\n";
    return out;
}

std::string login_section(const Chrome &chrome) {
    std::string out = "<h1>Sign in to the portal as</h1>\n";
    out +=
        "<p class=\"description\">A demo login: pick a person. Ada manages the portal's "
        "integrations; Pat and Nora are customers with invoices to pay.</p>\n";
    // No CSRF token here: there is no session yet to bind it to. The form
    // only ever switches the browser's own session.
    out += "<form method=\"post\" action=\"/login\" class=\"users\">\n";
    for (const auto &user : demo_users()) {
        const bool current = chrome.user != nullptr && chrome.user->id == user.id;
        out += "<button type=\"submit\" name=\"user\" value=\"" + html_escape(user.id) +
               "\" id=\"login-" + html_escape(user.id) + "\">" + html_escape(user.name) +
               (user.admin ? " (admin)" : "") + (current ? " &mdash; signed in" : "") + "<span>" +
               html_escape(user.email) + "</span></button>\n";
    }
    out += "</form>\n";
    return out;
}

std::string invoices_section(const DemoUser &user, bool links_available) {
    std::string out = "<h1>Your invoices</h1>\n";
    if (user.invoices.empty()) {
        out += "<p class=\"description\" id=\"no-invoices\">" + html_escape(user.name) +
               " has no invoices. Sign in as Pat or Nora to try the Wise-Pay links.</p>\n";
        return out;
    }
    if (links_available) {
        out +=
            "<p class=\"description\">Paying opens Wise-Pay in a new tab, already signed in as "
            "you.</p>\n";
    } else {
        // For the portal user: no talk of admins or settings, and no link
        // that could only fail.
        out +=
            "<p class=\"note\" id=\"pay-unavailable\">Paying online with Wise-Pay is not "
            "available at the moment. To pay these invoices, contact your service provider.</p>\n";
    }
    out +=
        "<table id=\"invoices\">\n<thead><tr><th scope=\"col\">Invoice</th>"
        "<th scope=\"col\">For</th><th scope=\"col\">Due</th>"
        "<th scope=\"col\" class=\"amount\">Amount</th>";
    out += links_available ? "<th scope=\"col\">Pay</th>" : "";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto &invoice : user.invoices) {
        out += "<tr><td>" + html_escape(invoice.number) + "</td><td>" +
               html_escape(invoice.description) + "</td><td>" + html_escape(invoice.due_date) +
               "</td><td class=\"amount\">" + html_escape(format_amount(invoice)) + "</td>";
        if (links_available) {
            // noopener: the Wise-Pay tab cannot reach back into this page;
            // noreferrer: the portal URL is not sent to Wise-Pay.
            out += "<td><a href=\"/invoices/" + html_escape(invoice.id) +
                   "/pay\" target=\"_blank\" rel=\"noopener noreferrer\" class=\"pay-link\">Pay " +
                   html_escape(invoice.number) + " in Wise-Pay</a></td>";
        }
        out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
    return out;
}

std::string opening_section(const OpeningPage &page) {
    const std::string number = html_escape(page.invoice_number);
    std::string out = "<div id=\"opening\" data-open-url=\"" + html_escape(page.open_url) +
                      "\" data-csrf-token=\"" + html_escape(page.csrf_token) + "\"";
    // The script's sentences, so that all the words live in one place.
    out += " data-slow-text=\"Wise-Pay is taking longer than usual. Still waiting for it&hellip;\"";
    out += " data-going-text=\"Signed in. Opening your Wise-Pay dashboard&hellip;\"";
    out += " data-refused-title=\"Wise-Pay could not open " + number + "\"";
    out +=
        " data-unreachable-text=\"The portal could not be reached. Check your connection, then "
        "open the invoice again from your invoices.\">\n";
    out += "<h1 id=\"open-heading\" tabindex=\"-1\">Opening Wise-Pay&hellip;</h1>\n";
    out += "<p id=\"open-status\" role=\"status\">Asking Wise-Pay to sign you in for invoice " +
           number + ".</p>\n";
    out +=
        "<div id=\"open-progress\" class=\"progress\" role=\"progressbar\" "
        "aria-label=\"Opening Wise-Pay\"></div>\n";
    out +=
        "<noscript>\n<p>Your browser runs no scripts here: choose Continue to open "
        "Wise-Pay.</p>\n<form method=\"post\" action=\"" +
        html_escape(page.open_url) + "\">\n<input type=\"hidden\" name=\"csrf_token\" value=\"" +
        html_escape(page.csrf_token) +
        "\">\n<button type=\"submit\" class=\"primary\" id=\"continue-without-script\">"
        "Continue to Wise-Pay</button>\n</form>\n</noscript>\n";
    // Filled in by the script when the portal cannot open Wise-Pay.
    out += "<div id=\"refusal\" hidden>\n";
    out += "<p class=\"message error\" id=\"refusal-message\" role=\"alert\"></p>\n";
    out +=
        "<p><a id=\"help-link\" class=\"button primary\" rel=\"noopener noreferrer\" "
        "hidden></a></p>\n";
    out +=
        "<p class=\"correlation\" id=\"support\" hidden>If you contact support, quote this "
        "id: <code id=\"correlation-id\"></code></p>\n";
    out += "</div>\n";
    out += "<p><a id=\"back-to-invoices\" href=\"/invoices\">Back to your invoices</a></p>\n";
    out += "</div>\n";
    return out;
}

std::string refusal_section(const Refusal &refusal) {
    std::string out = "<div id=\"refusal\">\n<h1>" + html_escape(refusal.heading) + "</h1>\n";
    out += "<p class=\"message error\" id=\"refusal-message\">" + html_escape(refusal.message) +
           "</p>\n";
    if (is_web_url(refusal.help_url)) {
        out += "<p><a id=\"help-link\" class=\"button primary\" href=\"" +
               html_escape(refusal.help_url) + "\" rel=\"noopener noreferrer\">" +
               html_escape(refusal.help_label) + "</a></p>\n";
    }
    if (!refusal.correlation_id.empty()) {
        out +=
            "<p class=\"correlation\" id=\"support\">If you contact support, quote this id: <code "
            "id=\"correlation-id\">" +
            html_escape(refusal.correlation_id) + "</code></p>\n";
    }
    out += "<p><a id=\"back-to-invoices\" href=\"/invoices\">Back to your invoices</a></p>\n";
    out += "</div>\n";
    return out;
}

std::string notice_section(std::string_view heading, std::string_view text,
                           std::string_view back_url, std::string_view back_label) {
    return "<h1>" + html_escape(heading) + "</h1>\n<p id=\"notice\">" + html_escape(text) +
           "</p>\n<p><a href=\"" + html_escape(back_url) + "\">" + html_escape(back_label) +
           "</a></p>\n";
}

}  // namespace admin_console
