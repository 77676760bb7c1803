#include "pages.h"

#include "html_escape.h"

namespace admin_console {
namespace {

using examples_common::html_escape;

// One small stylesheet for every page; inline because the console serves no
// files (and the CSP allows inline styles only).
constexpr std::string_view kStyle = R"css(
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6775; --line: #d8dee6;
        --accent: #1f5fbf; --bad: #b3261e; --good: #1e7b34; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: #f4f6f9; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center;
         padding: .6rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
header .who { font-weight: 600; margin-right: auto; }
header .who small { font-weight: 400; color: var(--muted); }
header a { color: var(--accent); text-decoration: none; }
header a:hover { text-decoration: underline; }
main { max-width: 46rem; margin: 2rem auto; padding: 1.5rem 2rem; background: #fff;
       border: 1px solid var(--line); border-radius: 8px; }
h1 { margin: .2rem 0 .6rem; font-size: 1.6rem; }
.breadcrumb { color: var(--muted); font-size: .9rem; }
.description, .help, .last-saved { color: var(--muted); }
.help { margin: .25rem 0 0; font-size: .88rem; }
.field { margin: 1.2rem 0; }
.field > label { display: block; font-weight: 600; margin-bottom: .3rem; }
.field.checkbox > label { display: flex; gap: .5rem; align-items: center; }
input[type=text], input[type=password] { width: 100%; padding: .5rem .6rem; font: inherit;
       border: 1px solid var(--line); border-radius: 6px; }
input:focus, button:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
.field-error { display: block; color: var(--bad); font-size: .9rem; }
.field-error:empty { display: none; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
button { font: inherit; padding: .5rem 1rem; border-radius: 6px; cursor: pointer;
         border: 1px solid var(--line); background: #fff; color: var(--ink); }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.message { margin: 1rem 0; padding: .6rem .9rem; border-radius: 6px; }
.message:empty { display: none; }
.message p { margin: .2rem 0; }
.message.success { background: #e8f5ec; color: var(--good); }
.message.error { background: #fdecea; color: var(--bad); }
.correlation { font-size: .88rem; }
.users { display: grid; gap: .75rem; }
.users button { width: 100%; text-align: left; padding: .8rem 1rem; }
.users button span { display: block; color: var(--muted); font-size: .88rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .5rem .4rem; border-bottom: 1px solid var(--line); }
td.amount { text-align: right; font-variant-numeric: tabular-nums; }
a.pay-link { color: var(--accent); font-weight: 600; }
)css";

// Only http(s) links are made clickable: a "javascript:" URL from anywhere
// must never become a link.
bool is_web_url(std::string_view url) {
    return url.starts_with("https://") || url.starts_with("http://");
}

std::string header_html(const Chrome &chrome) {
    std::string out = "<header>\n";
    if (chrome.user != nullptr) {
        out += "<span class=\"who\" id=\"signed-in-as\">Signed in as " +
               html_escape(chrome.user->name) + " <small>" + html_escape(chrome.user->email) +
               (chrome.user->admin ? ", admin" : "") + "</small></span>\n";
    } else {
        out += "<span class=\"who\" id=\"signed-in-as\">Not signed in</span>\n";
    }
    out += "<nav><a href=\"" + html_escape(chrome.integration_url) + "\">" +
           html_escape(chrome.integration_label) +
           "</a> &middot; <a href=\"/invoices\">Invoices</a>" + " &middot; <a href=\"/\">" +
           (chrome.user != nullptr ? "Switch user" : "Sign in") + "</a></nav>\n";
    out += "</header>\n";
    return out;
}

}  // namespace

std::string layout(std::string_view title, const Chrome &chrome, std::string_view main_html) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    out += html_escape(title);
    out += " - Customer Portal Admin</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n";
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

std::string invoices_section(const DemoUser &user) {
    std::string out = "<h1>Your invoices</h1>\n";
    if (user.invoices.empty()) {
        out += "<p class=\"description\" id=\"no-invoices\">" + html_escape(user.name) +
               " has no invoices. Sign in as Pat or Nora to try the Wise-Pay links.</p>\n";
        return out;
    }
    out +=
        "<p class=\"description\">Paying opens Wise-Pay in a new tab, already signed in as "
        "you.</p>\n";
    out +=
        "<table id=\"invoices\">\n<thead><tr><th>Invoice</th><th>For</th><th>Due</th>"
        "<th class=\"amount\">Amount</th><th></th></tr></thead>\n<tbody>\n";
    for (const auto &invoice : user.invoices) {
        out += "<tr><td>" + html_escape(invoice.number) + "</td><td>" +
               html_escape(invoice.description) + "</td><td>" + html_escape(invoice.due_date) +
               "</td><td class=\"amount\">" + html_escape(format_amount(invoice)) + "</td><td>";
        // noopener: the Wise-Pay tab cannot reach back into this page;
        // noreferrer: the portal URL is not sent to Wise-Pay.
        out += "<a href=\"/invoices/" + html_escape(invoice.id) +
               "/pay\" target=\"_blank\" rel=\"noopener noreferrer\" class=\"pay-link\">Pay " +
               html_escape(invoice.number) + " in Wise-Pay</a>";
        out += "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n";
    return out;
}

std::string refusal_section(const Refusal &refusal) {
    std::string out = "<div id=\"refusal\">\n<h1>Wise-Pay could not open " +
                      html_escape(refusal.invoice_number) + "</h1>\n";
    out += "<p class=\"message error\" id=\"refusal-message\">" + html_escape(refusal.message) +
           "</p>\n";
    if (is_web_url(refusal.help_url)) {
        out += "<p><a id=\"help-link\" href=\"" + html_escape(refusal.help_url) +
               "\" rel=\"noopener noreferrer\">" + html_escape(refusal.help_url) + "</a></p>\n";
    }
    if (!refusal.correlation_id.empty()) {
        out +=
            "<p class=\"correlation\">If you contact support, quote this id: <code "
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
