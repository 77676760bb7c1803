// Turns one HTTP request into one response: the JSON API the plugin calls
// and the pages the browser opens. No I/O here; the examples' shared server
// (examples/common/http_server.h) does that.
#pragma once

#include "http_server.h"
#include "portal.h"

namespace wisepay_standin {

using examples_common::Request;
using examples_common::Response;

struct RouteOptions {
    // Serve the test controls under /_standin/ (test_controls.h).
    bool test_controls = false;
};

Response handle_request(Portal &portal, const Request &request, const RouteOptions &options);

// For requests that never reached handle_request (too big, malformed) or
// whose handling failed: a JSON error, as from the API.
Response transport_error(boost::beast::http::status status);

}  // namespace wisepay_standin
