// The rules for trusting Wise-Pay's answers, without a network.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "plugin/util/error.h"
#include "plugin/wisepay/wisepay_api.h"

using namespace wisepay;

namespace {

// Now, for the checks of expires_at.
constexpr std::int64_t kNow = 1'800'000'000;

AnswerRules portal_rules(bool allow_http = false) {
    return AnswerRules{*parse_url("https://pay.example.com"), allow_http};
}

// A 200 answer with `expires_at` written exactly as given.
std::string session_expiring(const std::string &expires_at,
                             const std::string &redirect = "https://pay.example.com/sso?t=1",
                             const std::string &payer = "pat@customer.example") {
    return "{\"redirect_url\":\"" + redirect + "\",\"expires_at\":" + expires_at +
           ",\"payer_email\":\"" + payer + "\"}";
}

std::string session_body(const std::string &redirect, long long expires = 1'800'000'120,
                         const std::string &payer = "pat@customer.example") {
    return session_expiring(std::to_string(expires), redirect, payer);
}

Error refusal(unsigned status, const std::string &body, const AnswerRules &rules = portal_rules()) {
    try {
        read_sso_session_answer(status, body, "pat@customer.example", rules, kNow);
    } catch (const Error &e) {
        return e;
    }
    FAIL("answer was trusted: " << status << " " << body);
    return Error(WISEPAY_OK, "", "");
}

}  // namespace

TEST_CASE("a good answer gives the session") {
    const SsoSession s = read_sso_session_answer(
        200, session_body("https://pay.example.com/sso?t=1", 1'800'000'120, "PAT@customer.example"),
        " pat@customer.example", portal_rules(), kNow);
    CHECK(s.redirect_url.view() == "https://pay.example.com/sso?t=1");
    CHECK(s.expires_at == 1'800'000'120);
}

TEST_CASE("an answer that escapes its slashes gives the same session") {
    // PHP's json_encode writes '/' as "\/" by default.
    const SsoSession s =
        read_sso_session_answer(200, session_body("https:\\/\\/pay.example.com\\/sso?t=1"),
                                "pat@customer.example", portal_rules(), kNow);
    CHECK(s.redirect_url.view() == "https://pay.example.com/sso?t=1");
}

TEST_CASE("redirects off the portal, or over plain http, are refused") {
    for (const char *bad : {"https://evil.example/sso", "https://pay.example.com:8443/sso",
                            "http://pay.example.com/sso", "https://pay.example.com.evil.example/",
                            "https://user@pay.example.com/", "javascript:alert(1)", "/relative"}) {
        INFO(bad);
        CHECK(refusal(200, session_body(bad)).code() == "wisepay_untrusted_redirect");
    }
    // The portal's origin however it is written.
    for (const char *good : {"https://PAY.example.com/sso", "HTTPS://pay.example.com:443/sso",
                             "https://pay.example.com", "https://pay.example.com?t=1"}) {
        INFO(good);
        CHECK(read_sso_session_answer(200, session_body(good), "pat@customer.example",
                                      portal_rules(), kNow)
                  .redirect_url.view() == good);
    }
    // Plain http passes only where the config allowed it, on the portal origin.
    AnswerRules http_portal{*parse_url("http://127.0.0.1:9000"), true};
    CHECK(read_sso_session_answer(200, session_body("http://127.0.0.1:9000/sso"),
                                  "pat@customer.example", http_portal, kNow)
              .redirect_url.view() == "http://127.0.0.1:9000/sso");
}

TEST_CASE("answers for another payer, expired, or malformed are refused") {
    CHECK(refusal(200, session_body("https://pay.example.com/s", 1'800'000'120, "eve@example.com"))
              .code() == "wisepay_payer_mismatch");
    CHECK(refusal(200, session_body("https://pay.example.com/s", 1'799'999'999)).code() ==
          "wisepay_session_expired");
    for (const char *bad :
         {"", "{", "[]", "null", "{\"redirect_url\":1}",
          "{\"redirect_url\":\"https://pay.example.com/\",\"expires_at\":\"soon\","
          "\"payer_email\":\"pat@customer.example\"}"}) {
        INFO(bad);
        CHECK(refusal(200, bad).code() == "wisepay_malformed_answer");
    }
}

TEST_CASE("an expires_at that is not whole seconds within a day has a code of its own") {
    // portal_rules() puts now at 1'800'000'000.
    struct Case {
        const char *expires_at;
        const char *code;
    };
    for (const Case &c : std::initializer_list<Case>{
             {"1800000000", "wisepay_session_expired"},  // now: already over
             {"1799999999", "wisepay_session_expired"},
             {"-1", "wisepay_session_expired"},
             {"-9223372036854775808", "wisepay_session_expired"},
             {"-1e300", "wisepay_session_expired"},
             {"1800000120.5", "wisepay_expiry_not_integer"},
             {"1.8000001205e9", "wisepay_expiry_not_integer"},
             {"1799999999.5", "wisepay_expiry_not_integer"},
             {"1800000120000", "wisepay_expiry_in_milliseconds"},
             {"1800000120000.0", "wisepay_expiry_in_milliseconds"},
             {"1799999999000", "wisepay_expiry_in_milliseconds"},  // and over, in milliseconds
             {"1800086401", "wisepay_expiry_too_far"},             // a day and a second ahead
             {"9223372036854775807", "wisepay_expiry_too_far"},
             {"18446744073709551615", "wisepay_expiry_too_far"},
             {"1800000120000000", "wisepay_expiry_too_far"},  // microseconds
             {"1e300", "wisepay_expiry_too_far"},
         }) {
        INFO(c.expires_at);
        const Error e = refusal(200, session_expiring(c.expires_at));
        CHECK(e.code() == c.code);
        CHECK(e.status() == WISEPAY_E_UPSTREAM_INVALID);
    }
    // Whole seconds up to a day ahead pass, however the number is written.
    struct Good {
        const char *expires_at;
        std::int64_t seconds;
    };
    for (const Good &g : std::initializer_list<Good>{{"1800000001", 1'800'000'001},
                                                     {"1800086400", 1'800'086'400},
                                                     {"1800000120.0", 1'800'000'120},
                                                     {"1.80000012e9", 1'800'000'120}}) {
        INFO(g.expires_at);
        CHECK(read_sso_session_answer(200, session_expiring(g.expires_at), "pat@customer.example",
                                      portal_rules(), kNow)
                  .expires_at == g.seconds);
    }
}

TEST_CASE("error answers map to the plugin's own codes, never Wise-Pay's text") {
    CHECK(refusal(401, "{\"error\":{\"message\":\"bad key wp_live_x\"}}").code() ==
          "api_key_rejected");
    CHECK(refusal(403, "{\"error\":{\"code\":\"integration_disabled\"}}").code() ==
          "wisepay_integration_disabled");
    CHECK(refusal(403, "{}").code() == "wisepay_unexpected_status");
    CHECK(refusal(429, "").code() == "wisepay_rate_limited");
    CHECK(refusal(503, "").code() == "wisepay_unavailable");
    CHECK(refusal(500, "{\"error\":{\"message\":\"boom wp_live_x\"}}").code() ==
          "wisepay_server_error");
    CHECK(refusal(418, "").code() == "wisepay_unexpected_status");
    const Error e = refusal(500, "{\"error\":{\"message\":\"boom wp_live_x\"}}");
    CHECK(e.message().find("wp_live_x") == std::string::npos);
}

TEST_CASE("payer not found carries the registration link only when it is on the portal") {
    Error e = refusal(404,
                      "{\"error\":{\"code\":\"payer_not_found\",\"registration_url\":"
                      "\"https://pay.example.com/register\"}}");
    CHECK(e.status() == WISEPAY_E_PAYER_NOT_FOUND);
    CHECK(e.help_url() == "https://pay.example.com/register");
    e = refusal(404,
                "{\"error\":{\"code\":\"payer_not_found\",\"registration_url\":"
                "\"https://evil.example/register\"}}");
    CHECK(e.help_url().empty());
    CHECK(refusal(404, "{\"error\":{\"code\":\"not_found\"}}").code() ==
          "wisepay_unexpected_status");
}

TEST_CASE("merchant answers are read strictly") {
    const Merchant m = read_merchant_answer(
        200, "{\"merchant\":{\"id\":\"m_1\",\"name\":\"Acme\"},\"integration_enabled\":true}");
    CHECK(m.id == "m_1");
    CHECK(m.name == "Acme");
    CHECK(m.integration_enabled);
    CHECK_THROWS_AS(read_merchant_answer(200, "{\"merchant\":{\"id\":\"m_1\"}}"), Error);
    CHECK_THROWS_AS(read_merchant_answer(401, ""), Error);
}

namespace {

// What Boost.JSON makes of `body` agrees with read_plain_session_answer()
// wherever the latter reads it.
bool plain_reading_agrees(std::string_view body) {
    const auto plain = read_plain_session_answer(body);
    if (!plain)
        return true;
    boost::system::error_code ec;
    const boost::json::value full = boost::json::parse(body, ec);
    if (ec || !full.is_object())
        return false;
    const auto &object = full.get_object();
    const auto *redirect = object.if_contains("redirect_url");
    const auto *payer = object.if_contains("payer_email");
    const auto *expires = object.if_contains("expires_at");
    return redirect && redirect->is_string() && redirect->get_string() == plain->redirect_url &&
           payer && payer->is_string() && payer->get_string() == plain->payer_email && expires &&
           expires->is_int64() && expires->get_int64() == plain->expires_at;
}

}  // namespace

TEST_CASE("a plain session answer is read in place, anything else is left to Boost.JSON") {
    const auto plain = read_plain_session_answer(
        " {\"payer_email\" : \"pat@customer.example\",\n\t\"redirect_url\":"
        "\"https://pay.example.com/sso?t=1\",\"extra\":[1],\"expires_at\":1800000120} \r\n");
    CHECK_FALSE(plain);  // an array among the members
    const std::string good = session_body("https://pay.example.com/sso?t=1");
    const auto members = read_plain_session_answer(good);
    REQUIRE(members);
    CHECK(members->redirect_url == "https://pay.example.com/sso?t=1");
    CHECK(members->payer_email == "pat@customer.example");
    CHECK(members->expires_at == 1'800'000'120);
    CHECK(read_plain_session_answer(
        " {\"payer_email\" : \"p@c.example\",\n\t\"redirect_url\":\"https://p/\","
        "\"ok\":true,\"n\":null,\"f\":false,\"z\":0,\"s\":\"\",\"expires_at\":1} \r\n"));

    for (const std::string &other : std::initializer_list<std::string>{
             "",
             "{}",
             "[]",
             "null",
             "{",
             session_body("https:\\/\\/pay.example.com\\/sso"),
             session_body("https://pay.example.com/caf\xc3\xa9"),
             session_body("https://pay.example.com/\x7f"),
             session_body("https://pay.example.com/\t"),
             session_expiring("1800000120.0"),
             session_expiring("1.8e9"),
             session_expiring("-1"),
             session_expiring("01800000120"),
             session_expiring("1800000120000000000"),  // 19 digits
             session_expiring("\"1800000120\""),
             session_expiring("true"),
             "{\"redirect_url\":1,\"payer_email\":\"p\",\"expires_at\":1}",
             good + " x",
             good + ",",
             good.substr(0, good.size() - 1),
             "{\"redirect_url\":\"https://pay.example.com/a\"," + good.substr(1),  // twice
             "{\"expires_at\":1," + good.substr(1),
             "{\"redirect_url\":\"https://pay.example.com/\",\"expires_at\":1}",  // no payer
             "{\"a\":{}," + good.substr(1),
             "{\"a\":1.5," + good.substr(1),
             "{\"a\":-1," + good.substr(1),
             "{\"a\":tru," + good.substr(1),
             "{\"a\" 1," + good.substr(1),
             "{a:1," + good.substr(1),
             "{," + good.substr(1),
             "{\"r\\u0065direct_url\":\"https://evil.example/\"," + good.substr(1)}) {
        INFO(other);
        CHECK_FALSE(read_plain_session_answer(other));
    }
}

TEST_CASE("the plain reading and Boost.JSON's agree, and so do the checks on either") {
    for (const std::string &body : std::initializer_list<std::string>{
             session_body("https://pay.example.com/sso?t=1"),
             session_body("https://pay.example.com/sso?t=1", 1'800'000'120, "eve@example.com"),
             session_expiring("0"), session_expiring("999999999999999999"),
             "{\"expires_at\":1800000120,\"payer_email\":\"pat@customer.example\","
             "\"redirect_url\":\"https://pay.example.com/\",\"token\":\"x\",\"n\":7}"}) {
        INFO(body);
        CHECK(read_plain_session_answer(body));
        CHECK(plain_reading_agrees(body));
    }
    // The same session read both ways: plainly, and with escaped slashes.
    const SsoSession plain =
        read_sso_session_answer(200, session_body("https://pay.example.com/sso?t=1"),
                                "pat@customer.example", portal_rules(), kNow);
    const SsoSession escaped =
        read_sso_session_answer(200, session_body("https:\\/\\/pay.example.com\\/sso?t=1"),
                                "pat@customer.example", portal_rules(), kNow);
    CHECK(plain.redirect_url.view() == escaped.redirect_url.view());
    CHECK(plain.expires_at == escaped.expires_at);
}

TEST_CASE("the sign-in request body is what Boost.JSON would write") {
    const auto boost_json = [](const SsoSessionRequest &r) {
        boost::json::object invoice{{"id", r.invoice_id}};
        if (!r.invoice_number.empty())
            invoice["number"] = r.invoice_number;
        boost::json::object body{{"payer_email", r.payer_email}, {"invoice", std::move(invoice)}};
        if (!r.return_url.empty())
            body["return_url"] = r.return_url;
        return boost::json::serialize(body);
    };
    std::string every_byte;
    for (int c = 1; c < 256; ++c)
        every_byte.push_back(static_cast<char>(c));
    for (const SsoSessionRequest &r : std::initializer_list<SsoSessionRequest>{
             {"pat@customer.example", "inv_1", "", ""},
             {"pat@customer.example", "inv_1", "INV-1", "https://portal.example/invoices?id=1"},
             {"p\"a\\t@c.example", "caf\xc3\xa9 \xe2\x82\xac", "\x7f/\\/", ""},
             {"a@b.c", every_byte, std::string("nul\0in", 6), "\b\f\n\r\t\x01\x1f"},
             {"", "", "", ""}}) {
        CHECK(sso_session_body(r) == boost_json(r));
    }
}

TEST_CASE("every byte outside the plain subset leaves a string to Boost.JSON, wherever it stands") {
    // Strings are read eight bytes at a time, then byte by byte.
    for (int c = 0; c < 256; ++c) {
        const bool plain = c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
        for (std::size_t at = 0; at < 20; ++at) {
            std::string redirect = "https://pay.example.com/sso?token=0123456789";
            redirect[24 + at] = static_cast<char>(c);
            const std::string body = session_body(redirect);
            INFO("byte " << c << " at " << at);
            CHECK(read_plain_session_answer(body).has_value() == plain);
            CHECK(plain_reading_agrees(body));
        }
    }
}
