// The implementation of wisepay_api.h: requests to Wise-Pay, retries, and
// the rules for trusting its answers.
#include "plugin/wisepay/wisepay_api.h"

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <thread>

#include "plugin/util/byte_words.h"
#include "plugin/util/email.h"
#include "plugin/util/error.h"
#include "plugin/util/hex.h"
#include "plugin/util/iso_time.h"
#include "plugin/util/wiped_json.h"

namespace wisepay {
namespace {

namespace json = boost::json;
namespace beast_http = boost::beast::http;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char *kSsoSessionsPath = "/api/integrations/deskdirector/v1/sso-sessions";
constexpr const char *kMerchantPath = "/api/integrations/deskdirector/v1/merchant";
constexpr int kMaxAttempts = 4;
constexpr milliseconds kBaseBackoff{100};
constexpr milliseconds kMaxBackoff{2000};
constexpr std::chrono::seconds kMaxRetryAfter{30};

// One per logical request: every retry of a click carries the same key.
std::string idempotency_key() {
    auto key = random_hex(16);
    if (!key) {
        throw Error(WISEPAY_E_INTERNAL, "random_failure", "Could not make a request id.");
    }
    return *key;
}

// Full jitter (a random wait up to the exponential bound) spreads the
// retries of many clients that failed at the same moment.
milliseconds backoff(int attempt) {
    thread_local std::minstd_rand rng(
        static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id()) ^
                              static_cast<unsigned>(Clock::now().time_since_epoch().count())));
    const auto bound = std::min(kMaxBackoff, kBaseBackoff * (1 << (attempt - 1)));
    std::uniform_int_distribution<long> pick(bound.count() / 4, bound.count());
    return milliseconds(pick(rng));
}

Error unavailable(const char *code, const std::string &message) {
    return Error(WISEPAY_E_UNAVAILABLE, code, message);
}

Error untrusted(const char *code) {
    return Error(WISEPAY_E_UPSTREAM_INVALID, code,
                 "Wise-Pay gave an answer the portal cannot use. Please try again later; if it "
                 "keeps happening, contact your service provider.");
}

const char *const kTryLater =
    "Wise-Pay is not responding right now. Please try again in a few minutes.";

// Answers are parsed with WipedJson: they carry the sign-in URL, and an
// error answer can echo the key back.
constexpr unsigned kAnswerMaxDepth = 8;

// The parts of an error body the plugin uses; Wise-Pay's message is not one.
struct ErrorBody {
    std::string code;
    std::string registration_url;
};

ErrorBody read_error_body(std::string_view body) {
    ErrorBody out;
    const WipedJson doc(body, kAnswerMaxDepth);
    if (!doc.object())
        return out;
    const json::value *error = doc.object()->if_contains("error");
    if (!error || !error->is_object())
        return out;
    const json::object &fields = error->get_object();
    if (const json::value *code = fields.if_contains("code"); code && code->is_string()) {
        out.code = std::string(code->get_string());
    }
    if (const json::value *url = fields.if_contains("registration_url"); url && url->is_string()) {
        out.registration_url = std::string(url->get_string());
    }
    return out;
}

// Maps the answers every call shares. Wise-Pay's own message text is never
// used: a provider's error can echo the key back.
[[noreturn]] void throw_common_failure(unsigned status, std::string_view body) {
    if (status == 401) {
        throw Error(WISEPAY_E_KEY_REJECTED, "api_key_rejected",
                    "Wise-Pay rejected the API key. An administrator needs to copy the key again "
                    "from Wise-Pay (Configure > Merchants > Integrations > Desk Director > "
                    "Display) and save it.");
    }
    if (status == 403 && read_error_body(body).code == "integration_disabled") {
        throw Error(WISEPAY_E_UPSTREAM_DISABLED, "wisepay_integration_disabled",
                    "The Desk Director integration is switched off in Wise-Pay. An administrator "
                    "can switch it on under Configure > Merchants > Integrations > Desk Director.");
    }
    if (status == 429) {
        throw unavailable("wisepay_rate_limited", kTryLater);
    }
    if (status == 502 || status == 503 || status == 504) {
        throw unavailable("wisepay_unavailable", kTryLater);
    }
    if (status >= 500) {
        throw unavailable("wisepay_server_error", kTryLater);
    }
    throw untrusted("wisepay_unexpected_status");
}

// The top-level object of a 200 answer, which must be one.
const json::object &answer_object(const WipedJson &doc) {
    if (!doc.object())
        throw untrusted("wisepay_malformed_answer");
    return *doc.object();
}

bool in_milliseconds(auto value, std::int64_t now) {
    return value / 1000 >= now - kMaxSessionLifetime && value / 1000 <= now + kMaxSessionLifetime;
}

// An integer `expires_at` as checked_expiry() below checks it.
std::int64_t checked_expiry(std::int64_t value, std::int64_t now) {
    if (value <= now)
        throw untrusted("wisepay_session_expired");
    if (value <= now + kMaxSessionLifetime)
        return value;
    throw untrusted(in_milliseconds(value, now) ? "wisepay_expiry_in_milliseconds"
                                                : "wisepay_expiry_too_far");
}

// `expires_at` of a sign-in session as Unix seconds, or the refusal that
// says what is wrong with it: a fraction, a time already past, a time in
// milliseconds (within a day of now once divided by 1000), or a time more
// than kMaxSessionLifetime ahead. A whole number written with a fraction
// or an exponent (1.8e9) is whole; numbers beyond int64 are simply far.
std::int64_t checked_expiry(const json::value &expires_at, std::int64_t now) {
    if (expires_at.is_double()) {
        const double value = expires_at.get_double();
        if (std::trunc(value) != value)
            throw untrusted("wisepay_expiry_not_integer");
        if (value <= static_cast<double>(now))
            throw untrusted("wisepay_session_expired");
        if (value <= static_cast<double>(now + kMaxSessionLifetime))
            return static_cast<std::int64_t>(value);
        throw untrusted(in_milliseconds(value, now) ? "wisepay_expiry_in_milliseconds"
                                                    : "wisepay_expiry_too_far");
    }
    // The parser makes int64 of every integer that fits, uint64 of larger ones.
    if (expires_at.is_uint64() &&
        expires_at.get_uint64() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        throw untrusted("wisepay_expiry_too_far");
    }
    return checked_expiry(expires_at.is_int64()
                              ? expires_at.get_int64()
                              : static_cast<std::int64_t>(expires_at.get_uint64()),
                          now);
}

// The rules of a sign-in session answer, in the order every reading of it
// applies them: the same payer, a redirect on the portal, then the expiry
// (`expiry` checks it and gives Unix seconds).
template <typename Expiry>
SsoSession trusted_session(std::string_view redirect_url, std::string_view payer_email,
                           const Expiry &expiry, std::string_view asked_email,
                           const AnswerRules &rules) {
    if (!same_email(payer_email, asked_email)) {
        throw untrusted("wisepay_payer_mismatch");
    }
    // On the portal's origin, so with the portal's scheme.
    if (!rules.portal.holds(redirect_url) || (!rules.portal.is_https() && !rules.allow_http)) {
        throw untrusted("wisepay_untrusted_redirect");
    }
    SsoSession session;
    session.expires_at = expiry();
    session.redirect_url = SecretBytes(redirect_url);
    return session;
}

// Reads the subset of JSON that read_plain_session_answer() accepts, in
// place. Each read gives nullopt (or false) at the first byte outside it.
class PlainJson {
  public:
    explicit PlainJson(std::string_view text) : text_(text) {}

    void skip_space() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' ||
                                      text_[at_] == '\n' || text_[at_] == '\r')) {
            ++at_;
        }
    }
    // Skips white space, then takes `c` if it comes next.
    bool take(char c) {
        skip_space();
        if (!next_is(c))
            return false;
        ++at_;
        return true;
    }
    bool at_end() const { return at_ == text_.size(); }
    bool next_is(char c) const { return at_ < text_.size() && text_[at_] == c; }
    bool next_is_digit() const {
        return at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9';
    }

    // A string of printable ASCII other than '"' and '\\', so that its
    // bytes are its value.
    std::optional<std::string_view> string() {
        if (!take('"'))
            return std::nullopt;
        const std::size_t start = at_;
        // Eight bytes at a time while none ends the string or leaves the
        // subset (the URL is most of an answer), then byte by byte.
        while (at_ + 8 <= text_.size() && !ends_plain_run(text_.data() + at_))
            at_ += 8;
        for (; at_ < text_.size(); ++at_) {
            const auto c = static_cast<unsigned char>(text_[at_]);
            if (c == '"')
                return text_.substr(start, at_++ - start);
            if (c < 0x20 || c > 0x7E || c == '\\')
                return std::nullopt;
        }
        return std::nullopt;
    }
    // 0, or up to 18 digits without a leading zero: within int64. Whatever
    // follows must be a ',' or '}', which the caller takes.
    std::optional<std::int64_t> integer() {
        if (next_is('0')) {
            ++at_;
            return 0;
        }
        std::int64_t value = 0;
        int digits = 0;
        for (; next_is_digit(); ++at_, ++digits) {
            if (digits == 18)
                return std::nullopt;
            value = value * 10 + (text_[at_] - '0');
        }
        if (digits == 0)
            return std::nullopt;
        return value;
    }
    bool literal(std::string_view word) {
        if (text_.substr(at_, word.size()) != word)
            return false;
        at_ += word.size();
        return true;
    }

  private:
    // Whether any of the eight bytes at `p` is '"', '\\', below 0x20 or
    // above 0x7E. Exact for the word as a whole, which is all it is asked.
    static bool ends_plain_run(const char *p) {
        namespace words = byte_words;
        const std::uint64_t word = words::load(p);
        return (words::any_below(word, 0x20) | words::any_del_or_above(word) |
                words::any_equal(word, '"') | words::any_equal(word, '\\')) != 0;
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

// Appends `text` as a JSON string, escaped as Boost.JSON's serializer
// escapes it: '"', '\\' and control characters; every other byte as it is.
void append_json_string(std::string &out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t plain = 0;  // start of the bytes not yet appended
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte != '"' && byte != '\\')
            continue;
        out.append(text, plain, i - plain);
        plain = i + 1;
        out.push_back('\\');
        switch (byte) {
            case '"':
            case '\\':
                out.push_back(static_cast<char>(byte));
                break;
            case '\b':
                out.push_back('b');
                break;
            case '\f':
                out.push_back('f');
                break;
            case '\n':
                out.push_back('n');
                break;
            case '\r':
                out.push_back('r');
                break;
            case '\t':
                out.push_back('t');
                break;
            default:
                out.append("u00");
                out.push_back(kHex[byte >> 4]);
                out.push_back(kHex[byte & 0x0F]);
        }
    }
    out.append(text, plain);
    out.push_back('"');
}

// "Bearer <key>", in a buffer that is wiped when the request goes.
SecretBytes bearer(const SecretBytes &api_key) {
    static constexpr std::string_view kScheme = "Bearer ";
    SecretBytes value(kScheme.size() + api_key.size());
    std::copy(kScheme.begin(), kScheme.end(), value.data());
    std::copy(api_key.data(), api_key.data() + api_key.size(), value.data() + kScheme.size());
    return value;
}

bool retryable_status(unsigned status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
}

// The client for `options`; a CA file or store that cannot be loaded is the
// host's config to fix, so it is reported as such, and logged.
http::Client make_client(const WisePayOptions &options, const Logger &log) {
    try {
        return http::Client(http::ClientOptions{options.ca_file, options.allow_insecure_http,
                                                options.user_agent, http::Limits{}});
    } catch (const http::TrustStoreError &e) {
        const bool file = !e.file().empty();
        const std::string message =
            std::string("Plugin config: ") +
            (file ? "\"ca_file\" cannot be used: " : "no \"ca_file\" is set, and ") + e.what() +
            ".";
        log.error(message);
        throw Error(WISEPAY_E_CONFIG, file ? "invalid_ca_file" : "system_ca_unavailable", message);
    }
}

}  // namespace

WisePayApi::WisePayApi(WisePayOptions options, const Logger &log)
    : options_(std::move(options)),
      answer_rules_(options_.portal, options_.allow_insecure_http),
      log_(log),
      client_(make_client(options_, log)) {}

http::Response WisePayApi::call(const http::Request &request, Deadline deadline, const char *what) {
    for (int attempt = 1;; ++attempt) {
        std::chrono::milliseconds wait{0};
        try {
            http::Response response = client_.send(request, deadline);
            if (!retryable_status(response.status) || attempt == kMaxAttempts) {
                return response;
            }
            wait = backoff(attempt);
            if (response.status == 429 && !response.retry_after.empty()) {
                // Retry-After in seconds; an HTTP date is treated as "later".
                char *end = nullptr;
                const long seconds = std::strtol(response.retry_after.c_str(), &end, 10);
                wait = (end && *end == '\0' && seconds >= 0)
                           ? std::chrono::duration_cast<milliseconds>(
                                 std::min(std::chrono::seconds(seconds), kMaxRetryAfter))
                           : std::chrono::duration_cast<milliseconds>(kMaxRetryAfter);
            }
            if (Clock::now() + wait >= deadline) {
                return response;  // no time for another try: the caller maps the answer
            }
            log_.info(std::string(what) + ": Wise-Pay answered " + std::to_string(response.status) +
                      ", retrying (attempt " + std::to_string(attempt + 1) + ")");
        } catch (const http::TransportError &e) {
            const bool retryable = e.failure() == http::Failure::kConnect ||
                                   e.failure() == http::Failure::kConnectionLost;
            log_.warning(std::string(what) + ": " + e.what());
            if (!retryable || attempt == kMaxAttempts ||
                Clock::now() + backoff(attempt) >= deadline) {
                switch (e.failure()) {
                    case http::Failure::kTimeout:
                        throw unavailable("wisepay_timeout", kTryLater);
                    case http::Failure::kConnect:
                        throw unavailable("wisepay_unreachable", kTryLater);
                    case http::Failure::kTls:
                        throw unavailable("wisepay_tls_failed",
                                          "The portal could not establish a trusted connection "
                                          "to Wise-Pay. Please contact your service provider.");
                    case http::Failure::kConnectionLost:
                        throw unavailable("wisepay_connection_lost", kTryLater);
                    case http::Failure::kBodyTooLarge:
                        throw untrusted("wisepay_answer_too_large");
                    case http::Failure::kProtocol:
                        throw untrusted("wisepay_malformed_answer");
                    case http::Failure::kRefused:
                        throw Error(WISEPAY_E_CONFIG, "insecure_wisepay_url",
                                    "The Wise-Pay URL in the plugin config is not https.");
                }
                throw unavailable("wisepay_unreachable", kTryLater);
            }
            wait = backoff(attempt);
        }
        std::this_thread::sleep_until(std::min(deadline, Clock::now() + wait));
    }
}

std::optional<SessionMembers> read_plain_session_answer(std::string_view body) {
    PlainJson in(body);
    if (!in.take('{'))
        return std::nullopt;
    std::optional<std::string_view> redirect_url;
    std::optional<std::string_view> payer_email;
    std::optional<std::int64_t> expires_at;
    do {
        const auto name = in.string();
        if (!name || !in.take(':'))
            return std::nullopt;
        in.skip_space();
        std::optional<std::string_view> text;
        std::optional<std::int64_t> number;
        if (in.next_is('"')) {
            text = in.string();
            if (!text)
                return std::nullopt;
        } else if (in.next_is_digit()) {
            number = in.integer();
            if (!number)
                return std::nullopt;
        } else if (!in.literal("true") && !in.literal("false") && !in.literal("null")) {
            return std::nullopt;  // nested, negative, a fraction, or not JSON
        }
        // The members the checks read, each once and of its type; with a
        // duplicate, Boost.JSON's reading is the one that counts.
        if (*name == "redirect_url" || *name == "payer_email") {
            auto &member = *name == "redirect_url" ? redirect_url : payer_email;
            if (member || !text)
                return std::nullopt;
            member = text;
        } else if (*name == "expires_at") {
            if (expires_at || !number)
                return std::nullopt;
            expires_at = number;
        }
    } while (in.take(','));
    if (!in.take('}'))
        return std::nullopt;
    in.skip_space();
    if (!in.at_end() || !redirect_url || !payer_email || !expires_at)
        return std::nullopt;
    return SessionMembers{*redirect_url, *payer_email, *expires_at};
}

SsoSession read_sso_session_answer(unsigned status, std::string_view body,
                                   std::string_view asked_email, const AnswerRules &rules,
                                   std::int64_t now_unix) {
    if (status == 404) {
        const ErrorBody error = read_error_body(body);
        if (error.code == "payer_not_found") {
            Error refusal(WISEPAY_E_PAYER_NOT_FOUND, "payer_not_found",
                          "Wise-Pay has no payer with your email address (" +
                              std::string(asked_email) +
                              "), so you cannot be signed in there. Register as a payer in "
                              "Wise-Pay with this email address, or ask your service provider "
                              "for help.");
            // Only a link on the portal itself is passed on: anything else
            // would let an answer point users at an arbitrary site.
            if (rules.portal.holds(error.registration_url)) {
                refusal.with_help_url(error.registration_url);
            }
            throw refusal;
        }
    }
    if (status != 200) {
        throw_common_failure(status, body);
    }

    // Wise-Pay writes its answers plain: read in place, such an answer
    // leaves no copy of the URL anywhere but in the session.
    if (const auto plain = read_plain_session_answer(body)) {
        return trusted_session(
            plain->redirect_url, plain->payer_email,
            [&] { return checked_expiry(plain->expires_at, now_unix); }, asked_email, rules);
    }
    const WipedJson doc(body, kAnswerMaxDepth);
    const json::object &answer = answer_object(doc);
    const json::value *redirect = answer.if_contains("redirect_url");
    const json::value *expires = answer.if_contains("expires_at");
    const json::value *payer = answer.if_contains("payer_email");
    if (!redirect || !redirect->is_string() || !expires || !expires->is_number() || !payer ||
        !payer->is_string()) {
        throw untrusted("wisepay_malformed_answer");
    }
    return trusted_session(
        redirect->get_string(), payer->get_string(),
        [&] { return checked_expiry(*expires, now_unix); }, asked_email, rules);
}

http::Request WisePayApi::request_to(boost::beast::http::verb method, const char *path,
                                     const SecretBytes &api_key) const {
    http::Request request;
    request.method = method;
    request.url = options_.base;
    request.url.target = options_.base.target + path;
    request.headers.reserve(4);
    request.headers.emplace_back("Authorization", bearer(api_key));
    request.headers.emplace_back("Accept", "application/json");
    return request;
}

std::string sso_session_body(const SsoSessionRequest &request) {
    std::string body;
    // Room for the whole body unless something needs escaping.
    body.reserve(64 + request.payer_email.size() + request.invoice_id.size() +
                 request.invoice_number.size() + request.return_url.size());
    body += "{\"payer_email\":";
    append_json_string(body, request.payer_email);
    body += ",\"invoice\":{\"id\":";
    append_json_string(body, request.invoice_id);
    if (!request.invoice_number.empty()) {
        body += ",\"number\":";
        append_json_string(body, request.invoice_number);
    }
    body += '}';
    if (!request.return_url.empty()) {
        body += ",\"return_url\":";
        append_json_string(body, request.return_url);
    }
    body += '}';
    return body;
}

SsoSession WisePayApi::create_sso_session(const SecretBytes &api_key,
                                          const SsoSessionRequest &request, Deadline deadline) {
    http::Request post = request_to(beast_http::verb::post, kSsoSessionsPath, api_key);
    post.headers.emplace_back("Content-Type", "application/json");
    // One id for every retry of this click, so Wise-Pay makes one session.
    post.headers.emplace_back("Idempotency-Key", idempotency_key());
    post.body = sso_session_body(request);

    const http::Response response = call(post, deadline, "sign-in session");
    return read_sso_session_answer(response.status, response.body_text(), request.payer_email,
                                   answer_rules_, unix_now());
}

Merchant WisePayApi::get_merchant(const SecretBytes &api_key, Deadline deadline) {
    http::Request get = request_to(beast_http::verb::get, kMerchantPath, api_key);
    const http::Response response = call(get, deadline, "merchant check");
    return read_merchant_answer(response.status, response.body_text());
}

Merchant WisePayApi::verify_key(const SecretBytes &api_key, Deadline deadline) {
    Merchant merchant = get_merchant(api_key, deadline);
    if (!merchant.integration_enabled) {
        throw Error(WISEPAY_E_UPSTREAM_DISABLED, "wisepay_integration_disabled",
                    "The key belongs to " + merchant.name +
                        ", but the Desk Director integration is switched off in Wise-Pay. "
                        "Switch it on under Configure > Merchants > Integrations > Desk "
                        "Director.");
    }
    return merchant;
}

Merchant read_merchant_answer(unsigned status, std::string_view body) {
    if (status != 200) {
        throw_common_failure(status, body);
    }
    const WipedJson doc(body, kAnswerMaxDepth);
    const json::object &answer = answer_object(doc);
    const json::value *merchant = answer.if_contains("merchant");
    const json::value *enabled = answer.if_contains("integration_enabled");
    if (!merchant || !merchant->is_object() || !enabled || !enabled->is_bool()) {
        throw untrusted("wisepay_malformed_answer");
    }
    const json::value *id = merchant->get_object().if_contains("id");
    const json::value *name = merchant->get_object().if_contains("name");
    if (!id || !id->is_string() || !name || !name->is_string()) {
        throw untrusted("wisepay_malformed_answer");
    }
    return Merchant{std::string(id->get_string()), std::string(name->get_string()),
                    enabled->get_bool()};
}

}  // namespace wisepay
