// Everything the plugin knows about Wise-Pay's API: paths, headers, bodies,
// answers and how each maps to a plugin error. docs/wisepay-api.md is the
// prose version of this file; a change of contract touches only these two.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "plugin/http/client.h"
#include "plugin/util/deadline.h"
#include "plugin/util/logger.h"
#include "plugin/util/secret.h"

namespace wisepay {

struct SsoSessionRequest {
    std::string payer_email;
    std::string invoice_id;
    std::string invoice_number;  // "" when the host gave none
    std::string return_url;      // "" when the host gave none
};

// A sign-in session Wise-Pay created. The URL is a credential: it goes
// straight to the host and is never logged, cached or stored, and its buffer
// is wiped when the session goes.
struct SsoSession {
    SecretBytes redirect_url;
    std::int64_t expires_at = 0;  // Unix seconds
};

struct Merchant {
    std::string id;
    std::string name;
    bool integration_enabled = false;
};

// (Deadline: plugin/util/deadline.h)

// How far ahead a sign-in session's expires_at may be. Sessions are
// short-lived (docs/wisepay-api.md); one said to last longer than a day is
// a misread time, not a session to hand a user.
inline constexpr std::int64_t kMaxSessionLifetime = 24 * 60 * 60;

// What an answer must satisfy to be trusted, from the config: made once.
struct AnswerRules {
    AnswerRules(const Url &portal_url, bool allow_http_redirects)
        : portal(portal_url), allow_http(allow_http_redirects) {}
    Origin portal;            // redirects and links must be on this origin
    bool allow_http = false;  // plain http redirects (local demos only)
};

// Reading Wise-Pay's answers. Pure functions (no I/O), so every rule can be
// tested and fuzzed directly. They throw Error with the plugin's own code
// for every refusal, fault and untrusted answer. `now_unix` is the time the
// session's expiry is checked against.
SsoSession read_sso_session_answer(unsigned status, std::string_view body,
                                   std::string_view asked_email, const AnswerRules &rules,
                                   std::int64_t now_unix);
Merchant read_merchant_answer(unsigned status, std::string_view body);

// The members of a sign-in session answer that the checks read, as they
// stand in `body` (views into it).
struct SessionMembers {
    std::string_view redirect_url;
    std::string_view payer_email;
    std::int64_t expires_at = 0;
};

// Reads a sign-in session answer in place when it is plain: one flat JSON
// object whose member names and string values are printable ASCII without
// escapes, whose numbers are integers of at most 18 digits, whose other
// values are only true, false or null, with redirect_url and payer_email
// strings and expires_at a number, each once. What it returns is then
// exactly what Boost.JSON makes of the same text. Any other text gives
// nullopt, and read_sso_session_answer parses it in full. Declared here for
// the tests that hold the two readings to each other.
std::optional<SessionMembers> read_plain_session_answer(std::string_view body);

// The JSON body of POST .../sso-sessions: payer_email, invoice {id, number}
// and return_url, the optional ones only when not empty, in that order.
// Byte for byte what Boost.JSON's serializer writes for the same object,
// without building one.
std::string sso_session_body(const SsoSessionRequest &request);

// What the host's config says about reaching Wise-Pay.
struct WisePayOptions {
    Url base;                          // wisepay_base_url, without a trailing slash
    Url portal;                        // where sign-in redirects and registration links must point
    std::string ca_file;               // empty: the system's CA store
    bool allow_insecure_http = false;  // plain http: local demos only
    std::string user_agent;            // sent with every request
};

class WisePayApi {
  public:
    // No network I/O. Throws Error (WISEPAY_E_CONFIG) when the CA file or
    // store cannot be loaded.
    WisePayApi(WisePayOptions options, const Logger &log);

    // POST .../sso-sessions, with retries within the deadline. Checks the
    // answer (redirect on the portal, same payer, not expired) and throws
    // Error with the plugin's own code and message on any refusal or fault.
    SsoSession create_sso_session(const SecretBytes &api_key, const SsoSessionRequest &request,
                                  Deadline deadline);

    // GET .../merchant: whether the key is accepted, and whose it is.
    Merchant get_merchant(const SecretBytes &api_key, Deadline deadline);

    // "Test connection": the key's merchant when Wise-Pay accepts the key and
    // the Desk Director integration is switched on for it; otherwise throws
    // Error, WISEPAY_E_UPSTREAM_DISABLED naming the merchant when only the
    // switch is off.
    Merchant verify_key(const SecretBytes &api_key, Deadline deadline);

    http::Client::PoolStats pool_stats() const { return client_.pool_stats(); }

  private:
    // A request to `path` under the base URL, with the key and Accept set.
    http::Request request_to(boost::beast::http::verb method, const char *path,
                             const SecretBytes &api_key) const;
    http::Response call(const http::Request &request, Deadline deadline, const char *what);

    const WisePayOptions options_;
    const AnswerRules answer_rules_;
    const Logger &log_;
    http::Client client_;
};

}  // namespace wisepay
