// Checking what a host sends with an invoice click: every field of a
// wisepay_invoice_request, in one place, turned into a click the rest of the
// plugin can trust (the tenant id valid, the email normalized, the invoice
// fields and return URL bounded UTF-8 text). The request's struct_size is
// the C boundary's to check.
#pragma once

#include <cstdint>
#include <string>

#include "abi/wisepay_plugin.h"
#include "plugin/wisepay/wisepay_api.h"

namespace wisepay {

struct CheckedClick {
    std::string tenant_id;
    SsoSessionRequest session;      // what Wise-Pay is asked for
    std::uint32_t deadline_ms = 0;  // 0: the config's default
};

// Throws Error (WISEPAY_E_INVALID_ARGUMENT) with code "invalid_tenant_id",
// "invalid_email", "invalid_invoice" or "invalid_return_url" and a message
// for the person who reads it.
CheckedClick check_click(const wisepay_invoice_request &request);

}  // namespace wisepay
