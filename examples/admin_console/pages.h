// The console's own pages (everything except the plugin-described settings
// form): the shared layout with its "signed in as" header, the login picker,
// the invoice list, the "Opening Wise-Pay..." page, and the refusal and
// error pages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "demo_users.h"

namespace admin_console {

// Links in the header. The integration page's link text comes from the page
// document ("Integrations > Wise-Pay"), like everything else about it; only
// admins see it.
struct Chrome {
    const DemoUser *user = nullptr;  // nullptr: nobody signed in
    std::string integration_label;
    std::string integration_url;
};

// A whole HTML document around `main_html`, which must already be escaped.
// `scripts` are paths of the console's static scripts ("/static/x.js").
std::string layout(std::string_view title, const Chrome &chrome, std::string_view main_html,
                   const std::vector<std::string_view> &scripts = {});

std::string login_section(const Chrome &chrome);

// The user's invoices; with a Wise-Pay link each only when `links_available`
// (the plugin says a link can work now), else a short note instead.
std::string invoices_section(const DemoUser &user, bool links_available);

// What an invoice link opens in its new tab: "Opening Wise-Pay..." while
// static/open_invoice.js asks for the sign-in link at `open_url` (a POST
// with `csrf_token`), and the place where a refusal is shown. Without
// JavaScript, a button posts the same request as a form.
struct OpeningPage {
    std::string invoice_number;
    std::string open_url;
    std::string csrf_token;
};
std::string opening_section(const OpeningPage &page);

// The invoice link was refused by the plugin (or by the console); everything
// here is shown to the portal user as text.
struct Refusal {
    std::string heading;  // "Wise-Pay could not open INV-1001"
    std::string invoice_number;
    std::string message;
    std::string help_url;    // a button only when it is an http(s) URL
    std::string help_label;  // "Register as a Wise-Pay payer"
    std::string correlation_id;
};
std::string refusal_section(const Refusal &refusal);

// A short page for 400/403/404 and friends, with a way back.
std::string notice_section(std::string_view heading, std::string_view text,
                           std::string_view back_url, std::string_view back_label);

// Only http(s) links are made clickable: a "javascript:" URL from anywhere
// must never become a link.
bool is_web_url(std::string_view url);

}  // namespace admin_console
