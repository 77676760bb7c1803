// Everything the plugin knows about Wise-Pay's API: paths, headers, bodies,
// answers and how each maps to a plugin error. docs/wisepay-api.md is the
// prose version of this file; a change of contract touches only these two.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "plugin/config.h"
#include "plugin/http/client.h"
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

using Deadline = std::chrono::steady_clock::time_point;

// How far ahead a sign-in session's expires_at may be. Sessions are
// short-lived (docs/wisepay-api.md); one said to last longer than a day is
// a misread time, not a session to hand a user.
inline constexpr std::int64_t kMaxSessionLifetime = 24 * 60 * 60;

// What an answer must satisfy to be trusted.
struct AnswerRules {
    Url portal;               // redirects and links must be on this origin
    bool allow_http = false;  // plain http redirects (local demos only)
    std::int64_t now_unix = 0;
};

// Reading Wise-Pay's answers. Pure functions (no I/O), so every rule can be
// tested and fuzzed directly. They throw Error with the plugin's own code
// for every refusal, fault and untrusted answer.
SsoSession read_sso_session_answer(unsigned status, std::string_view body,
                                   std::string_view asked_email, const AnswerRules &rules);
Merchant read_merchant_answer(unsigned status, std::string_view body);

class WisePayApi {
  public:
    WisePayApi(const Config &config, const Logger &log);

    // POST .../sso-sessions, with retries within the deadline. Checks the
    // answer (redirect on the portal, same payer, not expired) and throws
    // Error with the plugin's own code and message on any refusal or fault.
    SsoSession create_sso_session(const SecretBytes &api_key, const SsoSessionRequest &request,
                                  Deadline deadline);

    // GET .../merchant: whether the key is accepted, and whose it is.
    Merchant get_merchant(const SecretBytes &api_key, Deadline deadline);

    http::Client::PoolStats pool_stats() const { return client_.pool_stats(); }

  private:
    // A request to `path` under the base URL, with the key and Accept set.
    http::Request request_to(boost::beast::http::verb method, const char *path,
                             const SecretBytes &api_key) const;
    http::Response call(const http::Request &request, Deadline deadline, const char *what);

    const Config &config_;
    const Logger &log_;
    Url portal_;
    http::Client client_;
};

}  // namespace wisepay
