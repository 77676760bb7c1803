// The console's own pages (everything except the plugin-described settings
// form): the shared layout with its "signed in as" header, the login picker,
// the invoice list, and the refusal and error pages.
#pragma once

#include <string>
#include <string_view>

#include "demo_users.h"

namespace admin_console {

// Links in the header. The integration page's link text comes from the page
// document ("Integrations > Wise-Pay"), like everything else about it.
struct Chrome {
    const DemoUser *user = nullptr;  // nullptr: nobody signed in
    std::string integration_label;
    std::string integration_url;
};

// A whole HTML document around `main_html`, which must already be escaped.
std::string layout(std::string_view title, const Chrome &chrome, std::string_view main_html);

std::string login_section(const Chrome &chrome);
std::string invoices_section(const DemoUser &user);

// The invoice link was refused by the plugin; everything here is shown to
// the end user as text.
struct Refusal {
    std::string invoice_number;
    std::string message;
    std::string help_url;  // linked only when it is an http(s) URL
    std::string correlation_id;
};
std::string refusal_section(const Refusal &refusal);

// A short page for 400/403/404 and friends, with a way back.
std::string notice_section(std::string_view heading, std::string_view text,
                           std::string_view back_url, std::string_view back_label);

}  // namespace admin_console
