// Fuzzes Wise-Pay's answers: the first byte picks the HTTP status, the rest
// is the body. Whatever comes back, an accepted session must be on the
// portal and expire within a day from now, and anything else an Error. And
// wherever the plain reading of a session answer reads the body, Boost.JSON
// must read the same members from it.
#include <boost/json.hpp>
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
    static const wisepay::AnswerRules rules{*wisepay::parse_url("https://pay.example.com"), false};
    constexpr std::int64_t now = 1'800'000'000;
    try {
        const wisepay::SsoSession session =
            wisepay::read_sso_session_answer(status, body, "pat@customer.example", rules, now);
        const auto url = wisepay::parse_url(session.redirect_url.view());
        if (!url || url->host != "pay.example.com" || !url->is_https() || url->port != 443 ||
            session.expires_at <= now || session.expires_at > now + wisepay::kMaxSessionLifetime) {
            __builtin_trap();  // an untrusted redirect or expiry was accepted
        }
    } catch (const wisepay::Error &) {
    }
    if (const auto plain = wisepay::read_plain_session_answer(body)) {
        boost::system::error_code ec;
        const boost::json::value full = boost::json::parse(body, ec);
        const auto *object = ec ? nullptr : full.if_object();
        const auto *redirect = object ? object->if_contains("redirect_url") : nullptr;
        const auto *payer = object ? object->if_contains("payer_email") : nullptr;
        const auto *expires = object ? object->if_contains("expires_at") : nullptr;
        if (!redirect || !redirect->is_string() || redirect->get_string() != plain->redirect_url ||
            !payer || !payer->is_string() || payer->get_string() != plain->payer_email ||
            !expires || !expires->is_int64() || expires->get_int64() != plain->expires_at) {
            __builtin_trap();  // the two readings of one answer differ
        }
    }
    try {
        wisepay::read_merchant_answer(status, body);
    } catch (const wisepay::Error &) {
    }
    return 0;
}
