// Turns one HTTP request into one response: the JSON API the plugin calls
// and the pages the browser opens. No I/O here; server.cpp does that.
#pragma once

#include <boost/beast/http.hpp>

#include "portal.h"

namespace wisepay_standin {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

Response handle_request(Portal &portal, const Request &request);

// For requests that never reached handle_request (too big, malformed) or
// whose handling failed.
Response transport_error(boost::beast::http::status status);

}  // namespace wisepay_standin
