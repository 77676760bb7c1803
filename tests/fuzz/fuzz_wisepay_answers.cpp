// Fuzzes Wise-Pay's answers: the first byte picks the HTTP status, the rest
// is the body. Whatever comes back, an accepted session must be on the
// portal and expire within a day from now, and anything else an Error.
#include <cstdint>
#include <string_view>

#include "plugin/util/error.h"
#include "plugin/wisepay/wisepay_api.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    static constexpr unsigned kStatuses[] = {200, 200, 200, 200, 401, 403,
                                             404, 429, 500, 502, 503, 418};
    if (size == 0)
        return 0;
    const unsigned status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
    const std::string_view body(reinterpret_cast<const char *>(data + 1), size - 1);
    static const wisepay::AnswerRules rules{*wisepay::parse_url("https://pay.example.com"), false,
                                            1'800'000'000};
    try {
        const wisepay::SsoSession session =
            wisepay::read_sso_session_answer(status, body, "pat@customer.example", rules);
        const auto url = wisepay::parse_url(session.redirect_url.view());
        if (!url || url->host != "pay.example.com" || !url->is_https() || url->port != 443 ||
            session.expires_at <= rules.now_unix ||
            session.expires_at > rules.now_unix + wisepay::kMaxSessionLifetime) {
            __builtin_trap();  // an untrusted redirect or expiry was accepted
        }
    } catch (const wisepay::Error &) {
    }
    try {
        wisepay::read_merchant_answer(status, body);
    } catch (const wisepay::Error &) {
    }
    return 0;
}
