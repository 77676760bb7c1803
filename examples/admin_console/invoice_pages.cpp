// The portal user's side: the invoice list, and the click on an invoice
// link that asks the plugin for a Wise-Pay sign-in and sends the browser
// there.
#include "console.h"
#include "responses.h"

namespace admin_console {

Response Console::invoices(const Visitor &who) const {
    if (who.user == nullptr) {
        return see_other("/");
    }
    return page(http::status::ok, "Invoices", who.user, invoices_section(*who.user));
}

Response Console::pay(const Request &req, const Visitor &who, std::string_view invoice_id) const {
    if (who.user == nullptr) {
        return see_other("/");
    }
    // Only the user's own invoices: the id in the URL is not trusted.
    const Invoice *invoice = find_invoice(*who.user, invoice_id);
    if (invoice == nullptr) {
        return notice(http::status::not_found, who.user, "Invoice not found",
                      "You have no invoice with this number.");
    }

    InvoiceClick click;
    click.tenant_id = options_.tenant_id;
    click.user_email = who.user->email;
    click.invoice_id = invoice->id;
    click.invoice_number = invoice->number;
    click.return_url = origin(req) + "/invoices";
    const auto opened = plugin_.open_invoice(click);
    if (opened.ok()) {
        // The URL is a single-use credential: it goes into this one header
        // and nowhere else (the access log records the request path only).
        Response res = see_other(opened.value().url());
        // Neither the browser cache nor the Wise-Pay side should see it or
        // this page's address.
        res.set(http::field::cache_control, "no-store");
        res.set("Referrer-Policy", "no-referrer");
        return res;
    }
    const PluginError &error = opened.error();
    const Refusal refusal{invoice->number, error.message, error.help_url, error.correlation_id};
    return page(status_for(error.status), "Payment not available", who.user,
                refusal_section(refusal));
}

}  // namespace admin_console
