// The fixed demo data of the stand-in Wise-Pay: who exists, and which key opens what.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wisepay_standin {

struct Invoice {
    std::string id;      // what the plugin sends as invoice.id
    std::string number;  // what people read, e.g. INV-1001
    std::int64_t amount_cents = 0;
    std::string currency;
    std::string due_date;  // ISO 8601 date
};

struct Merchant {
    std::string id;
    std::string name;
    std::string api_key;
    bool integration_enabled = true;
    bool key_revoked = false;  // Wise-Pay no longer accepts api_key (a test control)
};

struct Payer {
    std::string id;
    std::string merchant_id;
    std::string name;
    std::string email;  // stored lower case: lookups compare lower-cased input
    std::vector<Invoice> open_invoices;
};

struct DemoData {
    std::vector<Merchant> merchants;
    std::vector<Payer> payers;
};

DemoData make_demo_data();

// A few lines for the console, so whoever runs the demo knows the key and emails.
std::string describe(const DemoData &data);

}  // namespace wisepay_standin
