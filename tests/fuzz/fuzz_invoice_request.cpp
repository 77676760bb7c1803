// Fuzzes an invoice click as a host passes it: the user's email and the
// return URL on their own, and a whole wisepay_invoice_request (the input cut
// at NUL bytes into tenant, email, invoice id, invoice number, return URL)
// through the check every click passes.
#include <cstdint>
#include <string>
#include <vector>

#include "plugin/invoice/invoice_input.h"
#include "plugin/util/error.h"

#include "plugin/util/email.h"
#include "plugin/util/text.h"
#include "plugin/util/url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);
    if (const auto email = wisepay::normalize_email(text)) {
        if (email->find('@') == std::string::npos || !wisepay::text::is_valid_utf8(*email) ||
            !wisepay::same_email(*email, text)) {
            __builtin_trap();
        }
    }
    if (const auto url = wisepay::parse_url(text)) {
        if (url->host.empty() || url->port == 0 || url->target.empty() || url->target[0] != '/') {
            __builtin_trap();
        }
        // What the plugin prints back must parse to the same origin.
        const auto again = wisepay::parse_url(url->scheme + "://" + url->authority() + url->target);
        if (!again || again->host != url->host || again->port != url->port)
            __builtin_trap();
    }
    std::vector<std::string> fields(5);
    std::size_t field = 0;
    for (const char c : text) {
        if (c == '\0' && field + 1 < fields.size())
            ++field;
        else
            fields[field].push_back(c);
    }
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = fields[0].c_str();
    request.user_email = fields[1].c_str();
    request.invoice_id = fields[2].c_str();
    request.invoice_number = fields[3].empty() ? nullptr : fields[3].c_str();
    request.return_url = fields[4].empty() ? nullptr : fields[4].c_str();
    try {
        const wisepay::CheckedClick click = wisepay::check_click(request);
        const auto &session = click.session;
        if (click.tenant_id.empty() || session.invoice_id.empty() ||
            session.invoice_id.size() > 128 || !wisepay::text::is_valid_utf8(session.invoice_id) ||
            !wisepay::normalize_email(session.payer_email) ||
            (!session.return_url.empty() && !wisepay::parse_url(session.return_url))) {
            __builtin_trap();  // a click the rest of the plugin must not see
        }
    } catch (const wisepay::Error &) {
    }
    return 0;
}
