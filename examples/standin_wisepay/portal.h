// The portal's state: the demo payers (fixed); the merchants, whose keys and
// integration switch the test controls may change; the single-use sign-in
// tokens, the idempotency records, the browser sessions and the counts of
// them (changing, behind one mutex, since every connection has a thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "demo_data.h"

namespace wisepay_standin {

// What POST .../sso-sessions asks for, already checked for shape.
struct SsoRequest {
    std::string payer_email;  // as sent; the portal trims and lower-cases it
    std::string invoice_id;
    std::optional<std::string> invoice_number;
    std::optional<std::string> return_url;
    std::optional<std::string> idempotency_key;
};

struct SsoResult {
    enum class Status { kOk, kPayerNotFound, kIdempotencyKeyReused };
    Status status = Status::kOk;
    std::string redirect_url;
    std::int64_t expires_at = 0;  // Unix seconds
    std::string payer_email;
};

// What the dashboard needs to draw itself for one browser session.
struct DashboardView {
    const Payer *payer = nullptr;
    std::string invoice_id;      // the invoice from the link
    std::string invoice_number;  // as sent by the portal, may be empty
    std::string return_url;      // http(s) only, else empty
};

// How many sign-in sessions the portal created and how many were used; a
// test reads them to see how many a click (or a double click) cost.
struct Counters {
    std::uint64_t sso_sessions_created = 0;  // new sign-in links (idempotent replays not counted)
    std::uint64_t sign_ins = 0;              // links used to sign a browser in
};

class Portal {
  public:
    using Clock = std::chrono::steady_clock;

    // origin: "http://127.0.0.1:<port>", the base of every URL the portal hands out.
    Portal(DemoData data, std::string origin, std::chrono::seconds token_ttl);

    const std::string &origin() const { return origin_; }
    const DemoData &data() const { return data_; }

    // Nothing when no merchant has this key, or its key was revoked.
    std::optional<Merchant> merchant_by_key(std::string_view api_key) const;

    SsoResult create_sso_session(const Merchant &merchant, const SsoRequest &request);

    // Uses up a sign-in token. Returns a new browser session id, or nothing
    // when the token is unknown, already used or expired.
    std::optional<std::string> consume_token(std::string_view token);

    std::optional<DashboardView> dashboard(std::string_view session_id) const;

    Counters counters() const;

    // What the test controls change. Each returns false when no merchant
    // has that id.
    bool set_key_revoked(std::string_view merchant_id, bool revoked);
    bool set_integration_enabled(std::string_view merchant_id, bool enabled);
    // How long every API answer waits before it is written: a slow Wise-Pay.
    void set_api_delay(std::chrono::milliseconds delay);
    std::chrono::milliseconds api_delay() const;

  private:
    struct Token {
        const Payer *payer;
        std::string invoice_id, invoice_number, return_url;
        Clock::time_point expires;
        std::int64_t expires_at;  // the same moment as Unix seconds, as promised to the caller
        bool used = false;
    };
    struct IdempotencyRecord {
        std::string fingerprint;  // the request it answered; a different one is refused
        std::string token;
        Clock::time_point expires;
    };
    struct Session {
        DashboardView view;
        Clock::time_point expires;
    };

    const Payer *find_payer(const std::string &merchant_id, std::string_view email) const;
    void forget_expired(Clock::time_point now);  // callers hold mutex_
    SsoResult answer_for(const std::string &token) const;

    const DemoData data_;
    const std::string origin_;
    const std::chrono::seconds token_ttl_;

    Merchant *find_merchant(std::string_view merchant_id);  // callers hold mutex_

    mutable std::mutex mutex_;
    std::vector<Merchant> merchants_;  // data_.merchants, as the test controls left them
    Counters counters_;
    std::chrono::milliseconds api_delay_{0};
    std::map<std::string, Token, std::less<>> tokens_;
    // Keyed by merchant id + '\n' + Idempotency-Key: keys are per merchant.
    std::map<std::string, IdempotencyRecord> idempotency_;
    std::map<std::string, Session, std::less<>> sessions_;
};

// Trims ASCII white space and lower-cases ASCII letters, the way Wise-Pay
// compares emails.
std::string normalize_email(std::string_view email);

}  // namespace wisepay_standin
