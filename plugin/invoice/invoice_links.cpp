#include "plugin/invoice/invoice_links.h"

#include <cstring>

#include "plugin/util/email.h"
#include "plugin/util/error.h"
#include "plugin/settings/settings_input.h"
#include "plugin/util/text.h"

namespace wisepay {
namespace {

constexpr std::size_t kMaxInvoiceField = 128;
constexpr std::size_t kMaxReturnUrl = 2048;
constexpr std::uint32_t kMaxDeadlineMs = 120000;

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

Deadline InvoiceLinks::deadline_for(std::uint32_t deadline_ms) const {
    const auto budget = deadline_ms == 0
                            ? config_.deadline
                            : std::chrono::milliseconds(std::min(deadline_ms, kMaxDeadlineMs));
    return std::chrono::steady_clock::now() + budget;
}

SsoSession InvoiceLinks::open(const InvoiceClick &click) {
    const Deadline deadline = deadline_for(click.deadline_ms);
    const auto email = normalize_email(
        click.user_email ? std::string_view(click.user_email, strnlen(click.user_email, 1024))
                         : std::string_view{});
    if (!email) {
        throw invalid_argument("invalid_email",
                               "Your portal account has no valid email address, so Wise-Pay "
                               "cannot sign you in. Ask your service provider to check your "
                               "profile.");
    }
    SsoSessionRequest request;
    request.payer_email = *email;
    request.invoice_id = optional_text(click.invoice_id, kMaxInvoiceField, "invalid_invoice",
                                       "The invoice id is missing or malformed.");
    if (request.invoice_id.empty()) {
        throw invalid_argument("invalid_invoice", "The invoice id is missing or malformed.");
    }
    request.invoice_number = optional_text(click.invoice_number, kMaxInvoiceField,
                                           "invalid_invoice", "The invoice number is malformed.");
    request.return_url = optional_text(click.return_url, kMaxReturnUrl, "invalid_return_url",
                                       "The return URL is malformed.");
    if (!request.return_url.empty() && !parse_url(request.return_url)) {
        throw invalid_argument("invalid_return_url",
                               "The return URL must be an absolute http(s) URL.");
    }

    // Served from the cache unless the settings changed since the last call.
    const auto settings = settings_.current(click.tenant_id);
    // No key says more than "disabled" to whoever has to fix it, so it is
    // reported first (a tenant that never saved has neither).
    if (!settings->api_key) {
        throw no_api_key_error();
    }
    if (!settings->enabled) {
        throw Error(WISEPAY_E_DISABLED, "integration_disabled",
                    "Paying invoices with Wise-Pay is not switched on for this portal. Please "
                    "contact your service provider.");
    }
    const SecretBytes api_key = settings_.open_api_key(*settings);
    return api_.create_sso_session(api_key, request, deadline);
}

Merchant InvoiceLinks::test_connection(const std::string &tenant_id,
                                       const std::optional<std::string_view> &typed_key,
                                       std::uint32_t deadline_ms) {
    const Deadline deadline = deadline_for(deadline_ms);
    if (typed_key) {
        ApiKeyCheck check = check_api_key(*typed_key);
        if (!check.key) {
            throw Error::validation({{"api_key", check.problem}});
        }
        return api_.get_merchant(*check.key, deadline);
    }
    const auto settings = settings_.current(tenant_id);
    return api_.get_merchant(settings_.open_api_key(*settings), deadline);
}

}  // namespace wisepay
