// The benchmark server's answers (answers.h), built once at start. A click
// is answered with a copy of its payer's prepared answer and a new token;
// the expiry in it moves forward only once fewer than four minutes remain.
#include "bench/server/answers.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>

namespace wisepay::bench::server {
namespace {

constexpr std::string_view kSsoSessionsPath = "/api/integrations/deskdirector/v1/sso-sessions";
constexpr std::string_view kMerchantPath = "/api/integrations/deskdirector/v1/merchant";
constexpr std::size_t kTokenDigits = 32;
// Sessions last five minutes, as a real sign-in link would; an answer's
// expiry is moved forward once less than four minutes remain.
constexpr std::int64_t kSessionSeconds = 300;
constexpr std::int64_t kRestampBelow = 240;

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string http_answer(int status, const char *reason, const std::string &json) {
    return "HTTP/1.1 " + std::to_string(status) + " " + reason +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(json.size()) +
           "\r\n\r\n" + json;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char &c : out)
        c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    return out;
}

}  // namespace

Answers::Answers(std::string portal_origin, std::string api_key,
                 const std::vector<std::string> &payers)
    : bearer_("Bearer " + api_key) {
    if (RAND_bytes(reinterpret_cast<unsigned char *>(&token_prefix_), sizeof token_prefix_) != 1)
        throw std::runtime_error("RAND_bytes failed");
    merchant_ = http_answer(
        200, "OK",
        R"({"merchant":{"id":"m_1","name":"Bench Payments"},"integration_enabled":true})");
    unauthorized_ = http_answer(
        401, "Unauthorized", R"({"error":{"code":"unauthorized","message":"Invalid API key."}})");
    payer_not_found_ =
        http_answer(404, "Not Found",
                    R"({"error":{"code":"payer_not_found","message":"No payer has that email."}})");
    not_found_ = http_answer(404, "Not Found", R"({"error":{"code":"not_found"}})");
    bad_request_ = http_answer(400, "Bad Request", R"({"error":{"code":"bad_request"}})");

    for (const std::string &email : payers) {
        // The token and expiry are placeholders of their final width.
        const std::string token(kTokenDigits, '0');
        const std::string expires = "0000000000";
        const std::string json =
            "{\"redirect_url\":" + json_string(portal_origin + "/sso/consume?token=" + token) +
            ",\"expires_at\":" + expires + ",\"payer_email\":" + json_string(email) + "}";
        Prepared prepared;
        prepared.wire = http_answer(200, "OK", json);
        prepared.token_at = prepared.wire.find("?token=") + 7;
        prepared.expires_at_pos = prepared.wire.find("\"expires_at\":") + 13;
        payers_.emplace(lower(email), std::move(prepared));
    }
    lowered_.reserve(256);
}

void Answers::stamp_expiry(Prepared &answer, std::int64_t now_unix) {
    if (answer.expires_at - now_unix >= kRestampBelow)
        return;
    answer.expires_at = now_unix + kSessionSeconds;
    char digits[24];
    std::snprintf(digits, sizeof digits, "%010lld", static_cast<long long>(answer.expires_at));
    answer.wire.replace(answer.expires_at_pos, 10, digits, 10);
}

void Answers::stamp_token(std::string &wire, std::size_t at) {
    static constexpr char kDigits[] = "0123456789abcdef";
    const std::uint64_t halves[2] = {token_prefix_, ++token_counter_};
    for (std::size_t half = 0; half < 2; ++half) {
        for (std::size_t i = 0; i < 16; ++i)
            wire[at + half * 16 + i] = kDigits[(halves[half] >> (60 - 4 * i)) & 0xF];
    }
}

// The string value of "payer_email" in the body as the benchmark's clients
// write it (no escapes); "" when it is not there in that form.
std::string_view Answers::payer_email_in(std::string_view body) const {
    constexpr std::string_view kKey = "\"payer_email\"";
    std::size_t at = body.find(kKey);
    if (at == std::string_view::npos)
        return {};
    at += kKey.size();
    while (at < body.size() && (body[at] == ' ' || body[at] == ':'))
        ++at;
    if (at >= body.size() || body[at] != '"')
        return {};
    const std::size_t end = body.find('"', at + 1);
    if (end == std::string_view::npos)
        return {};
    const std::string_view email = body.substr(at + 1, end - at - 1);
    return email.find('\\') == std::string_view::npos ? email : std::string_view{};
}

void Answers::answer(const Request &request, std::int64_t now_unix, std::string &out) {
    const bool sso = request.target == kSsoSessionsPath;
    if (!sso && request.target != kMerchantPath) {
        out = not_found_;
        return;
    }
    if (request.authorization.size() != bearer_.size() ||
        CRYPTO_memcmp(request.authorization.data(), bearer_.data(), bearer_.size()) != 0) {
        out = unauthorized_;
        return;
    }
    if (!sso) {
        out = request.method == "GET" ? merchant_ : bad_request_;
        return;
    }
    const std::string_view email = payer_email_in(request.body);
    if (request.method != "POST" || email.empty()) {
        out = bad_request_;
        return;
    }
    lowered_.assign(email);
    for (char &c : lowered_)
        c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    const auto payer = payers_.find(lowered_);
    if (payer == payers_.end()) {
        out = payer_not_found_;
        return;
    }
    stamp_expiry(payer->second, now_unix);
    out = payer->second.wire;
    stamp_token(out, payer->second.token_at);
}

}  // namespace wisepay::bench::server
