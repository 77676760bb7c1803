// The demo people: Ada, the admin, with no invoices; Pat, a payer at the
// stand-in Wise-Pay, with the three invoices it has for her; Nora, who is no
// payer there, with three invoices of her own.
#include "demo_users.h"

#include <cstdio>

namespace admin_console {

const std::vector<DemoUser> &demo_users() {
    static const std::vector<DemoUser> users = {
        {"ada", "Ada Admin", "ada.admin@example.com", true, {}},
        {"pat",
         "Pat Payer",
         "pat.payer@example.com",
         false,
         {
             {"inv_1001", "INV-1001", "Managed support, January", 12900, "USD", "2026-01-15"},
             {"inv_1002", "INV-1002", "Laptop dock replacement", 4850, "USD", "2026-02-01"},
             {"inv_1003", "INV-1003", "Office network refresh", 125000, "USD", "2026-02-28"},
         }},
        // Not a Wise-Pay payer: her clicks show the plugin's refusal page.
        {"nora",
         "Nora Nonpayer",
         "nora.nonpayer@example.com",
         false,
         {
             {"inv_2001", "INV-2001", "Managed support, January", 9900, "USD", "2026-01-20"},
             {"inv_2002", "INV-2002", "Printer toner", 6400, "USD", "2026-02-05"},
             {"inv_2003", "INV-2003", "Backup storage, Q1", 30000, "USD", "2026-03-01"},
         }},
    };
    return users;
}

const DemoUser *find_user(std::string_view id) {
    for (const auto &user : demo_users()) {
        if (user.id == id) {
            return &user;
        }
    }
    return nullptr;
}

const Invoice *find_invoice(const DemoUser &user, std::string_view invoice_id) {
    for (const auto &invoice : user.invoices) {
        if (invoice.id == invoice_id) {
            return &invoice;
        }
    }
    return nullptr;
}

std::string format_amount(const Invoice &invoice) {
    char cents[8];
    std::snprintf(cents, sizeof cents, "%02ld", invoice.amount_cents % 100);
    return invoice.currency + " " + std::to_string(invoice.amount_cents / 100) + "." + cents;
}

}  // namespace admin_console
