// The benchmark server's answers, serialised once: one 200 per payer for the
// sso-sessions endpoint of docs/wisepay-api.md, into which a fresh token and
// a current expiry are stamped per answer, and the fixed answers (merchant,
// 401, 404 payer_not_found, other 404s, 400). Answering a click is then a
// copy and two small stamps, so the server stays far below the clients'
// cost per request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bench/server/request.h"

namespace wisepay::bench::server {

class Answers {
  public:
    // `portal_origin` is where sign-in redirects point, e.g.
    // "https://127.0.0.1:4443" (the plugin accepts only redirects to its
    // portal origin); `payers` are the emails that exist, matched ignoring
    // ASCII case.
    Answers(std::string portal_origin, std::string api_key, const std::vector<std::string> &payers);

    // The complete HTTP/1.1 answer to `request`, written over `out`.
    // `now_unix` is the current time in seconds.
    void answer(const Request &request, std::int64_t now_unix, std::string &out);

  private:
    struct Prepared {
        std::string wire;  // the whole answer
        std::size_t token_at = 0;
        std::size_t expires_at_pos = 0;
        std::int64_t expires_at = 0;
    };

    void stamp_expiry(Prepared &answer, std::int64_t now_unix);
    void stamp_token(std::string &wire, std::size_t at);
    std::string_view payer_email_in(std::string_view body) const;

    std::string bearer_;  // "Bearer <key>"
    std::unordered_map<std::string, Prepared> payers_;
    std::string lowered_;  // scratch for look-ups, so they allocate nothing
    std::string merchant_, unauthorized_, payer_not_found_, not_found_, bad_request_;
    std::uint64_t token_prefix_ = 0;
    std::uint64_t token_counter_ = 0;
};

}  // namespace wisepay::bench::server
