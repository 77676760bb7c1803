// The portal's rules: keys compared in constant time; a sign-in token is 128
// random bits, single-use, living --token-ttl; an Idempotency-Key (per
// merchant) replays its link for the same request and refuses another; a
// used link signs a browser in for 30 minutes; only http(s) return URLs kept.
#include "portal.h"

#include <utility>

#include "random_id.h"

namespace wisepay_standin {
namespace {

// How long a browser stays signed in after using a link.
constexpr std::chrono::minutes kSessionLifetime{30};

bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Compares without an early exit, so the time taken says nothing about how
// much of a guessed key was right. Lengths are not secret.
bool same_secret(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

// Only http(s) links are shown back to the user: a javascript: URL from the
// request must not become a clickable link on the dashboard.
std::string safe_link(const std::optional<std::string> &url) {
    if (!url) {
        return {};
    }
    if (url->rfind("https://", 0) == 0 || url->rfind("http://", 0) == 0) {
        return *url;
    }
    return {};
}

// Length-prefixed parts, so two different requests can never read the same.
std::string fingerprint_of(const Payer &payer, const SsoRequest &request) {
    std::string out;
    const auto add = [&out](const std::optional<std::string> &part) {
        out += part ? std::to_string(part->size()) + ':' + *part : std::string("-");
        out += ';';
    };
    add(payer.id);
    add(request.invoice_id);
    add(request.invoice_number);
    add(request.return_url);
    return out;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

std::string normalize_email(std::string_view email) {
    while (!email.empty() && is_ascii_space(email.front())) {
        email.remove_prefix(1);
    }
    while (!email.empty() && is_ascii_space(email.back())) {
        email.remove_suffix(1);
    }
    std::string out(email);
    for (char &c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

Portal::Portal(DemoData data, std::string origin, std::chrono::seconds token_ttl)
    : data_(std::move(data)),
      origin_(std::move(origin)),
      token_ttl_(token_ttl),
      merchants_(data_.merchants) {}

std::optional<Merchant> Portal::merchant_by_key(std::string_view api_key) const {
    std::optional<Merchant> found;
    std::lock_guard lock(mutex_);
    for (const auto &merchant : merchants_) {
        if (same_secret(merchant.api_key, api_key) && !merchant.key_revoked) {
            found = merchant;
        }
    }
    return found;
}

const Payer *Portal::find_payer(const std::string &merchant_id, std::string_view email) const {
    const std::string wanted = normalize_email(email);
    for (const auto &payer : data_.payers) {
        if (payer.merchant_id == merchant_id && payer.email == wanted) {
            return &payer;
        }
    }
    return nullptr;
}

SsoResult Portal::answer_for(const std::string &token) const {
    const Token &t = tokens_.at(token);
    SsoResult result;
    result.redirect_url = origin_ + "/sso/consume?token=" + token;
    result.expires_at = t.expires_at;
    result.payer_email = t.payer->email;
    return result;
}

SsoResult Portal::create_sso_session(const Merchant &merchant, const SsoRequest &request) {
    const Payer *payer = find_payer(merchant.id, request.payer_email);
    if (payer == nullptr) {
        return {SsoResult::Status::kPayerNotFound, {}, 0, {}};
    }

    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    forget_expired(now);

    std::string idempotency_slot;
    std::string fingerprint;
    if (request.idempotency_key) {
        idempotency_slot = merchant.id + '\n' + *request.idempotency_key;
        fingerprint = fingerprint_of(*payer, request);
        const auto it = idempotency_.find(idempotency_slot);
        if (it != idempotency_.end()) {
            if (it->second.fingerprint != fingerprint) {
                return {SsoResult::Status::kIdempotencyKeyReused, {}, 0, {}};
            }
            // A retry of the same request: the same session, not a second
            // live sign-in link.
            return answer_for(it->second.token);
        }
    }

    std::string token = examples_common::random_hex(16);
    Token record{payer,
                 request.invoice_id,
                 request.invoice_number.value_or(""),
                 safe_link(request.return_url),
                 now + token_ttl_,
                 unix_now() + token_ttl_.count(),
                 false};
    tokens_.emplace(token, std::move(record));
    ++counters_.sso_sessions_created;
    if (request.idempotency_key) {
        idempotency_.emplace(idempotency_slot,
                             IdempotencyRecord{std::move(fingerprint), token, now + token_ttl_});
    }
    return answer_for(token);
}

std::optional<std::string> Portal::consume_token(std::string_view token) {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    forget_expired(now);
    const auto it = tokens_.find(token);
    if (it == tokens_.end() || it->second.used || now >= it->second.expires) {
        return std::nullopt;
    }
    // Kept, marked used, until it expires: an idempotent retry of the same
    // request must still answer with this (now dead) link, not mint a new one.
    it->second.used = true;
    ++counters_.sign_ins;
    std::string session_id = examples_common::random_hex(16);
    sessions_.emplace(session_id, Session{{it->second.payer, it->second.invoice_id,
                                           it->second.invoice_number, it->second.return_url},
                                          now + kSessionLifetime});
    return session_id;
}

std::optional<DashboardView> Portal::dashboard(std::string_view session_id) const {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(session_id);
    if (it == sessions_.end() || now >= it->second.expires) {
        return std::nullopt;
    }
    return it->second.view;
}

Counters Portal::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

Merchant *Portal::find_merchant(std::string_view merchant_id) {
    for (auto &merchant : merchants_) {
        if (merchant.id == merchant_id) {
            return &merchant;
        }
    }
    return nullptr;
}

bool Portal::set_key_revoked(std::string_view merchant_id, bool revoked) {
    std::lock_guard lock(mutex_);
    Merchant *merchant = find_merchant(merchant_id);
    if (merchant != nullptr) {
        merchant->key_revoked = revoked;
    }
    return merchant != nullptr;
}

bool Portal::set_integration_enabled(std::string_view merchant_id, bool enabled) {
    std::lock_guard lock(mutex_);
    Merchant *merchant = find_merchant(merchant_id);
    if (merchant != nullptr) {
        merchant->integration_enabled = enabled;
    }
    return merchant != nullptr;
}

void Portal::set_api_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    api_delay_ = delay;
}

std::chrono::milliseconds Portal::api_delay() const {
    std::lock_guard lock(mutex_);
    return api_delay_;
}

void Portal::forget_expired(Clock::time_point now) {
    std::erase_if(tokens_, [now](const auto &entry) { return now >= entry.second.expires; });
    std::erase_if(idempotency_, [now](const auto &entry) { return now >= entry.second.expires; });
    std::erase_if(sessions_, [now](const auto &entry) { return now >= entry.second.expires; });
}

}  // namespace wisepay_standin
