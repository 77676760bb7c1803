// The stand-in's HTML, each page in one layout with an inline stylesheet.
// The dashboard highlights the invoice of the sign-in link and labels it with
// the stand-in's own number when the payer has it, so a portal sending a
// wrong number cannot relabel a real invoice.
#include "pages.h"

#include <cstdio>

#include "html_escape.h"

namespace wisepay_standin {
using examples_common::html_escape;

namespace {

constexpr std::string_view kStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1d2733; }
header { background: #163300; color: #9fe870; padding: 14px 24px; font-weight: 600; }
main { max-width: 760px; margin: 32px auto; background: #fff; padding: 24px 32px;
       border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { font-size: 1.4em; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin-top: 16px; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid #dde3ea; }
td.amount, th.amount { text-align: right; }
tr.highlight { background: #e8f8d8; font-weight: 600; }
.note { color: #5b6b7b; font-size: .9em; }
)css";

std::string layout(std::string_view title, std::string_view body) {
    std::string page;
    page += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    page += "<title>";
    page += html_escape(title);
    page += "</title><style>";
    page += kStyle;
    page += "</style></head><body><header>Wise-Pay <span class=\"note\">(stand-in)</span>";
    page += "</header><main>\n";
    page += body;
    page += "\n</main></body></html>\n";
    return page;
}

std::string format_amount(std::int64_t cents, std::string_view currency) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%lld.%02lld", static_cast<long long>(cents / 100),
                  static_cast<long long>(cents % 100));
    return std::string(buffer) + " " + std::string(currency);
}

}  // namespace

std::string dashboard_page(const DashboardView &view, std::string_view merchant_name) {
    const Payer &payer = *view.payer;
    std::string body;
    body += "<h1>Wise-Pay dashboard</h1>\n";
    body += "<p id=\"signed-in-as\">Signed in as " + html_escape(payer.name) + " (" +
            html_escape(payer.email) + ")</p>\n";

    // The number shown as "selected" is ours when we know the invoice, so a
    // portal sending a wrong number cannot relabel a real invoice.
    const Invoice *selected = nullptr;
    for (const auto &invoice : payer.open_invoices) {
        if (invoice.id == view.invoice_id) {
            selected = &invoice;
        }
    }
    if (selected != nullptr) {
        body += "<p>Invoice from your link: <strong id=\"selected-invoice\">" +
                html_escape(selected->number) + "</strong></p>\n";
    } else {
        const std::string &label =
            view.invoice_number.empty() ? view.invoice_id : view.invoice_number;
        body += "<p>Invoice from your link: <strong id=\"selected-invoice\">" + html_escape(label) +
                "</strong> <span class=\"note\">(not among your open " +
                "invoices: it may be paid already)</span></p>\n";
    }

    body += "<h2>Open invoices from " + html_escape(merchant_name) + "</h2>\n";
    body +=
        "<table id=\"open-invoices\"><thead><tr><th>Invoice</th><th>Due</th>"
        "<th class=\"amount\">Amount</th></tr></thead><tbody>\n";
    for (const auto &invoice : payer.open_invoices) {
        body += &invoice == selected ? "<tr class=\"highlight\"" : "<tr";
        body += " data-invoice-id=\"" + html_escape(invoice.id) + "\"><td>" +
                html_escape(invoice.number) + "</td><td>" + html_escape(invoice.due_date) +
                "</td><td class=\"amount\">" +
                html_escape(format_amount(invoice.amount_cents, invoice.currency)) + "</td></tr>\n";
    }
    body += "</tbody></table>\n";
    if (!view.return_url.empty()) {
        body += "<p><a href=\"" + html_escape(view.return_url) +
                "\" rel=\"noreferrer\">Back to the portal</a></p>\n";
    }
    return layout("Wise-Pay dashboard", body);
}

std::string link_expired_page() {
    return layout("Sign-in link expired",
                  "<h1>Sign-in link expired</h1>\n"
                  "<p>This sign-in link has expired or was already used. Go back to the portal "
                  "and click the invoice again.</p>");
}

std::string not_signed_in_page() {
    return layout("Not signed in",
                  "<h1>Not signed in</h1>\n"
                  "<p>You are not signed in to Wise-Pay.</p>\n"
                  "<p class=\"note\">Open an invoice from your customer portal to sign in.</p>");
}

std::string register_page() {
    return layout(
        "Register as a payer",
        "<h1>Register as a payer</h1>\n"
        "<p>Wise-Pay does not know your email address yet, so there is no dashboard to sign "
        "you in to.</p>\n"
        "<p>In the real Wise-Pay, the merchant that sent you the invoice invites you as a payer, "
        "or you sign up here with the email address your invoices are sent to. After that, "
        "clicking an invoice in your customer portal signs you straight in.</p>\n"
        "<p class=\"note\">This is a stand-in Wise-Pay for demos: registration is not "
        "implemented.</p>");
}

std::string home_page() {
    return layout("Wise-Pay (stand-in)",
                  "<h1>Wise-Pay (stand-in)</h1>\n"
                  "<p>A stand-in for the Wise-Pay portal, for offline demos. Click an invoice in "
                  "the customer portal to be signed in here.</p>");
}

std::string not_found_page() {
    return layout("Not found", "<h1>Not found</h1>\n<p>There is no such page.</p>");
}

}  // namespace wisepay_standin
