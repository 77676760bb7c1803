// The bounds of a click's fields: at most 128 bytes for the invoice id and
// number and 2048 for the return URL (longer is refused, not cut); an email
// is read no further than 1024 bytes. NULL or "" is an absent field, and the
// invoice id must be present.
#include "plugin/invoice/invoice_input.h"

#include <cstring>
#include <string_view>

#include "plugin/settings/settings_input.h"
#include "plugin/util/email.h"
#include "plugin/util/error.h"
#include "plugin/util/text.h"
#include "plugin/util/url.h"

namespace wisepay {
namespace {

constexpr std::size_t kMaxEmail = 1024;
constexpr std::size_t kMaxInvoiceField = 128;
constexpr std::size_t kMaxReturnUrl = 2048;

// An optional text field from the host: NULL or "" means absent.
std::string optional_text(const char *value, std::size_t max, const char *code,
                          const char *message) {
    if (value == nullptr)
        return "";
    const std::string_view text(value, strnlen(value, max + 1));
    if (text.size() > max || !text::is_valid_utf8(text) || text::has_control_chars(text)) {
        throw invalid_argument(code, message);
    }
    return std::string(text);
}

}  // namespace

CheckedClick check_click(const wisepay_invoice_request &request) {
    CheckedClick click;
    click.tenant_id = check_tenant_id(request.tenant_id);
    click.deadline_ms = request.deadline_ms;

    const auto email = normalize_email(
        request.user_email != nullptr
            ? std::string_view(request.user_email, strnlen(request.user_email, kMaxEmail))
            : std::string_view{});
    if (!email) {
        throw invalid_argument("invalid_email",
                               "Your portal account has no valid email address, so Wise-Pay "
                               "cannot sign you in. Ask your service provider to check your "
                               "profile.");
    }
    SsoSessionRequest &session = click.session;
    session.payer_email = *email;
    session.invoice_id = optional_text(request.invoice_id, kMaxInvoiceField, "invalid_invoice",
                                       "The invoice id is missing or malformed.");
    if (session.invoice_id.empty()) {
        throw invalid_argument("invalid_invoice", "The invoice id is missing or malformed.");
    }
    session.invoice_number = optional_text(request.invoice_number, kMaxInvoiceField,
                                           "invalid_invoice", "The invoice number is malformed.");
    session.return_url = optional_text(request.return_url, kMaxReturnUrl, "invalid_return_url",
                                       "The return URL is malformed.");
    if (!session.return_url.empty() && !parse_url(session.return_url)) {
        throw invalid_argument("invalid_return_url",
                               "The return URL must be an absolute http(s) URL.");
    }
    return click;
}

}  // namespace wisepay
