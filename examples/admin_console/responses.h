// Building HTTP answers with the headers every answer of the console carries:
// never cached (pages show settings and CSRF tokens, JSON may carry a sign-in
// link), never framed, and scripts, styles and fetches only from the
// console's own origin.
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
