// Building HTTP answers with the headers the console's answers carry: pages
// and JSON are never stored in a cache (they show settings and CSRF tokens,
// or carry a sign-in link) nor framed, and a page runs scripts, styles and
// fetches from the console's own origin only. Static files are asked for
// again on every use.
#pragma once

#include <string>
#include <string_view>

#include "http_types.h"
#include "static_assets.h"

namespace admin_console {

// An HTML page. `also_post_to` names one more origin a form of the page may
// end up at ("http://127.0.0.1:8081"): the Wise-Pay portal, for the way to
// open an invoice without JavaScript, whose answer redirects there. Empty
// for none.
Response html_response(http::status status, std::string html, std::string_view also_post_to = {});

// 303 See Other: after a POST, the browser GETs the target, so a reload
// does not post again.
Response see_other(std::string_view location);

// A JSON answer for the console's own scripts.
Response json_response(http::status status, std::string json);

// One of the console's static files.
Response asset_response(const StaticAsset &asset);

}  // namespace admin_console
