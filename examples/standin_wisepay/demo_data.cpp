// The demo data: merchant m_demo (the demo key) with Pat Payer and her three
// open invoices, the ones the admin console's Pat has; a second merchant
// whose integration is switched off; and no payer for
// nora.nonpayer@example.com. describe() is what main prints at start.
#include "demo_data.h"

#include <sstream>

namespace wisepay_standin {

DemoData make_demo_data() {
    DemoData data;
    data.merchants.push_back({"m_demo", "Demo Merchant", "wp_demo_3f9a7c2e41b8d6a5", true});
    // Not part of the main demo: a second key whose integration is switched
    // off, so the 403 integration_disabled answer can be tried too.
    data.merchants.push_back(
        {"m_disabled", "Switched-off Merchant", "wp_demo_disabled_8e1d0c5b7a", false});

    data.payers.push_back({"p_pat",
                           "m_demo",
                           "Pat Payer",
                           "pat.payer@example.com",
                           {
                               {"inv_1001", "INV-1001", 12900, "USD", "2026-01-15"},
                               {"inv_1002", "INV-1002", 4850, "USD", "2026-02-01"},
                               {"inv_1003", "INV-1003", 125000, "USD", "2026-02-28"},
                           }});
    // nora.nonpayer@example.com is deliberately absent: she is the
    // "payer_not_found" case.
    return data;
}

std::string describe(const DemoData &data) {
    std::ostringstream out;
    for (const auto &merchant : data.merchants) {
        out << "merchant " << merchant.name << " (" << merchant.id << "), API key "
            << merchant.api_key << ", integration "
            << (merchant.integration_enabled ? "enabled" : "disabled") << "\n";
        for (const auto &payer : data.payers) {
            if (payer.merchant_id != merchant.id) {
                continue;
            }
            out << "  payer " << payer.name << " <" << payer.email << ">, open invoices:";
            for (const auto &invoice : payer.open_invoices) {
                out << " " << invoice.id << " (" << invoice.number << ")";
            }
            out << "\n";
        }
    }
    out << "not a payer: nora.nonpayer@example.com\n";
    return out.str();
}

}  // namespace wisepay_standin
