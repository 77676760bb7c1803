// The stand-in's test controls under /_standin/, served only when it runs
// with --test-controls on. A browser test uses them to change "Wise-Pay" under
// a portal, the way a merchant or Wise-Pay itself could, and to count what
// a click cost:
//
//   GET  /_standin/stats                    {"sso_sessions_created", "sign_ins", "api_delay_ms"}
//   POST /_standin/merchants/<id>/key          {"revoked": true|false}
//   POST /_standin/merchants/<id>/integration  {"enabled": true|false}
//   POST /_standin/api-delay                   {"ms": 0-60000}  every API answer waits this long
//
// A POST must carry Content-Type: application/json, which a page on another
// site cannot send here without a CORS preflight that the stand-in never
// grants.
#pragma once

#include <string_view>

#include "http_server.h"
#include "portal.h"

namespace wisepay_standin {

inline constexpr std::string_view kTestControlPrefix = "/_standin/";

// `path` starts with kTestControlPrefix.
examples_common::Response test_control(Portal &portal, const examples_common::Request &req,
                                       std::string_view path);

}  // namespace wisepay_standin
