// The portal user's side, as pages: the invoice list (with Wise-Pay links
// only while the plugin says a link can work), and the "Opening Wise-Pay..."
// page an invoice link opens in a new tab. Opening Wise-Pay itself is
// invoice_open.cpp.
#include <stdexcept>

#include "console.h"
#include "responses.h"

namespace admin_console {

Response Console::invoices(const Visitor &who) const {
    if (who.user == nullptr) {
        return see_other("/");
    }
    // Read without any call to Wise-Pay. Should the settings be unreadable,
    // no link is better than one that can only fail.
    bool links_available = false;
    if (const auto settings = plugin_.get_settings(options_.tenant_id); settings.ok()) {
        try {
            links_available = status_from_settings(settings.value()).link_available;
        } catch (const std::runtime_error &) {
            links_available = false;
        }
    }
    return page(http::status::ok, "Invoices", who.user,
                invoices_section(*who.user, links_available));
}

Response Console::opening_page(const Visitor &who, std::string_view invoice_id) const {
    if (who.user == nullptr) {
        return see_other("/");
    }
    // Only the user's own invoices: the id in the URL is not trusted.
    const Invoice *invoice = find_invoice(*who.user, invoice_id);
    if (invoice == nullptr) {
        return notice(http::status::not_found, who.user, "Invoice not found",
                      "You have no invoice with this number.");
    }
    const OpeningPage opening{invoice->number, "/invoices/" + invoice->id + "/pay",
                              who.session->csrf_token};
    // Its Referrer-Policy stays "same-origin": Wise-Pay, where the tab goes
    // next, learns nothing of the portal's URLs, while the form below still
    // sends its Origin (under "no-referrer" a browser sends "Origin: null",
    // which same_origin() rightly refuses).
    return page(http::status::ok, "Opening Wise-Pay", who.user, opening_section(opening),
                {"/static/open_invoice.js"}, options_.wisepay_origin);
}

}  // namespace admin_console
