// The libcurl and raw OpenSSL clients' share of a click (click_content.h):
// the body and the answer through Boost.JSON, the Idempotency-Key from
// getrandom, and the answer checks: the same payer, an https redirect on the
// portal origin, an expiry still ahead.
#include "bench/click_content.h"

#include <sys/random.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "bench/ascii.h"

namespace wisepay::bench {
namespace {

namespace json = boost::json;

// True when `url` is https on `origin` and has a path after it.
bool on_origin(std::string_view url, std::string_view origin) {
    return origin.substr(0, 8) == "https://" && url.size() > origin.size() &&
           url.substr(0, origin.size()) == origin && url[origin.size()] == '/';
}

}  // namespace

std::string click_body(std::string_view payer_email) {
    json::object invoice{{"id", "inv_1"}, {"number", "INV-1"}};
    json::object body{{"payer_email", payer_email}, {"invoice", std::move(invoice)}};
    return json::serialize(body);
}

std::string random_idempotency_key() {
    unsigned char raw[16];
    std::size_t got = 0;
    while (got < sizeof raw) {
        const ssize_t n = ::getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            std::fprintf(stderr, "bench: getrandom failed\n");
            std::exit(1);
        }
        got += static_cast<std::size_t>(n);
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string key;
    key.reserve(32);
    for (const unsigned char byte : raw) {
        key.push_back(kDigits[byte >> 4]);
        key.push_back(kDigits[byte & 0x0F]);
    }
    return key;
}

const char *check_sso_answer(unsigned status, std::string_view body, std::string_view asked_email,
                             std::string_view portal_origin, SsoAnswer &out) {
    if (status != 200)
        return "the status is not 200";
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 8;
    const json::value doc = json::parse(body, ec, {}, options);
    if (ec || !doc.is_object())
        return "the answer is not a JSON object";
    const json::object &answer = doc.get_object();
    const json::value *redirect = answer.if_contains("redirect_url");
    const json::value *expires = answer.if_contains("expires_at");
    const json::value *payer = answer.if_contains("payer_email");
    if (!redirect || !redirect->is_string() || !expires || !expires->is_number() || !payer ||
        !payer->is_string()) {
        return "a field is missing or of the wrong type";
    }
    if (!iequals_ascii(trim_blanks(payer->get_string()), trim_blanks(asked_email)))
        return "the answer is for another payer";
    if (!on_origin(redirect->get_string(), portal_origin))
        return "the redirect is not https on the portal origin";
    out.redirect_url = std::string(redirect->get_string());
    out.expires_at = expires->to_number<std::int64_t>(ec);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (ec || out.expires_at <= now)
        return "the session has expired";
    return nullptr;
}

}  // namespace wisepay::bench
