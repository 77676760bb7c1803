// Opening Wise-Pay for an invoice: POST /invoices/<id>/pay asks the plugin
// for a single-use sign-in link for the signed-in user and hands it to the
// browser: as JSON to the "Opening Wise-Pay..." page's script, which goes
// there with location.replace, or, from the page's form without JavaScript,
// as a 303 redirect. The link is a credential: it goes into that one answer
// and nowhere else (the access log records the request path only). A second
// click on the same invoice while the first is opening, or moments after,
// is turned away (open_guard.h) rather than costing a second Wise-Pay
// session.
#include <boost/json.hpp>

#include "console.h"
#include "responses.h"

namespace admin_console {
namespace {

namespace json = boost::json;

// A refusal of the console's own: no help link, no support id.
Refusal plain_refusal(std::string heading, std::string invoice_number, std::string message) {
    Refusal refusal;
    refusal.heading = std::move(heading);
    refusal.invoice_number = std::move(invoice_number);
    refusal.message = std::move(message);
    return refusal;
}

std::string help_label(const PluginError &error) {
    return error.code == "payer_not_found" ? "Register as a Wise-Pay payer" : "More help";
}

}  // namespace

Response Console::open_invoice(const Request &req, const Visitor &who,
                               std::string_view invoice_id) const {
    const bool wants_json = accepts_json(req);
    const DemoUser *user = who.user;
    // One way to say no, as JSON for the script or as a page.
    const auto refuse = [&](http::status status, const Refusal &refusal) {
        if (!wants_json) {
            return page(status, refusal.heading, user, refusal_section(refusal));
        }
        json::object answer{{"outcome", "refused"},
                            {"title", refusal.heading},
                            {"message", refusal.message},
                            {"support_id", refusal.correlation_id}};
        if (is_web_url(refusal.help_url)) {
            answer["help_url"] = refusal.help_url;
            answer["help_label"] = refusal.help_label;
        }
        return json_response(status, json::serialize(answer));
    };

    if (user == nullptr) {
        if (!wants_json) {
            return see_other("/");
        }
        return refuse(http::status::unauthorized,
                      plain_refusal("You are signed out", "",
                                    "You are signed out of the portal. Sign in again and open the "
                                    "invoice from your invoices."));
    }
    // Only the user's own invoices: the id in the URL is not trusted.
    const Invoice *invoice = find_invoice(*user, invoice_id);
    if (invoice == nullptr) {
        return refuse(
            http::status::not_found,
            plain_refusal("Invoice not found", "", "You have no invoice with this number."));
    }
    const std::string refused_heading = "Wise-Pay could not open " + invoice->number;
    const FormData form = FormData::parse(req.body());
    if (!same_origin(req) || !csrf_ok(who, form)) {
        return refuse(http::status::forbidden,
                      plain_refusal(refused_heading, invoice->number,
                                    "This page is from an earlier sign-in. Open the invoice again "
                                    "from your invoices."));
    }

    std::optional<OpenGuard::Claim> claim;
    switch (open_guard_.try_claim(user->id, invoice->id, claim)) {
        case OpenGuard::Busy::kOpening:
            return refuse(
                http::status::conflict,
                plain_refusal("Wise-Pay is opening in another tab", invoice->number,
                              "Wise-Pay is already opening " + invoice->number +
                                  " in another tab. Switch to that tab. If you closed it, "
                                  "wait a few seconds and open the invoice again."));
        case OpenGuard::Busy::kJustOpened:
            return refuse(http::status::conflict,
                          plain_refusal("Wise-Pay is open in another tab", invoice->number,
                                        "Wise-Pay opened " + invoice->number +
                                            " in another tab a moment ago. Switch to that tab, or "
                                            "wait a few seconds and open the invoice again."));
        case OpenGuard::Busy::kNo:
            break;
    }

    InvoiceClick click;
    click.tenant_id = options_.tenant_id;
    click.user_email = user->email;
    click.invoice_id = invoice->id;
    click.invoice_number = invoice->number;
    click.return_url = origin(req) + "/invoices";
    const auto opened = plugin_.open_invoice(click);
    if (!opened.ok()) {
        // The claim is freed on return: the user may try again at once.
        const PluginError &error = opened.error();
        return refuse(status_for(error.status),
                      Refusal{refused_heading, invoice->number, error.message, error.help_url,
                              help_label(error), error.correlation_id});
    }
    claim->opened();
    Response res;
    if (wants_json) {
        res = json_response(
            http::status::ok,
            json::serialize(json::object{{"outcome", "redirect"}, {"url", opened.value().url()}}));
    } else {
        res = see_other(opened.value().url());
    }
    // Neither the browser cache nor the Wise-Pay side should see the link or
    // this page's address.
    res.set(http::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer");
    return res;
}

}  // namespace admin_console
