// What libcurl and the raw OpenSSL client put in a click and check in its
// answer: the work the plugin does for one (plugin/wisepay/wisepay_api.cpp),
// done the usual way. The body is built per click with Boost.JSON (the
// plugin writes the same bytes directly), the Idempotency-Key is 128 random
// bits from getrandom, and the answer is parsed with Boost.JSON (the plugin
// reads a plain answer in place) and checked by the plugin's rules for the
// payer, the redirect and the expiry (all but its one-day cap on the
// expiry). A client that skipped any of it would look cheaper than the
// plugin for work it did not do.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wisepay::bench {

// The invoice the benchmark clicks: id "inv_1", number "INV-1".
std::string click_body(std::string_view payer_email);

// 32 hex digits from getrandom, as the plugin makes them.
std::string random_idempotency_key();

struct SsoAnswer {
    std::string redirect_url;
    std::int64_t expires_at = 0;
};

// Checks an sso-sessions answer: status 200; a JSON object whose
// redirect_url is https on `portal_origin`, whose payer_email equals
// `asked_email` (surrounding blanks and ASCII case ignored, as the plugin
// compares them) and whose expires_at is a number in the future. Returns
// nullptr and fills `out` when it holds, else what is wrong.
const char *check_sso_answer(unsigned status, std::string_view body, std::string_view asked_email,
                             std::string_view portal_origin, SsoAnswer &out);

}  // namespace wisepay::bench
