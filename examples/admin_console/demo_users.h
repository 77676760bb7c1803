// The portal's demo people and their invoices. A real host has its own user
// store; the console only needs who is signed in and which invoices they own.
// Pat's invoices match the stand-in Wise-Pay (examples/standin_wisepay), so
// the whole click-through works offline.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace admin_console {

struct Invoice {
    std::string id;      // the portal's id, sent to the plugin
    std::string number;  // what the user sees
    std::string description;
    long amount_cents = 0;
    std::string currency;
    std::string due_date;  // ISO date
};

struct DemoUser {
    std::string id;  // what the login picker posts
    std::string name;
    std::string email;  // the plugin matches Wise-Pay payers by this
    bool admin = false;
    std::vector<Invoice> invoices;
};

const std::vector<DemoUser> &demo_users();
const DemoUser *find_user(std::string_view id);
const Invoice *find_invoice(const DemoUser &user, std::string_view invoice_id);

// "USD 129.00".
std::string format_amount(const Invoice &invoice);

}  // namespace admin_console
