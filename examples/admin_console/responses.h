// Building HTTP answers with the headers every page of the console carries.
#pragma once

#include <string>
#include <string_view>

#include "http_types.h"

namespace admin_console {

// An HTML page. Not cached anywhere (pages show settings state and CSRF
// tokens), not framed, no scripts allowed at all.
Response html_response(http::status status, std::string html);

// 303 See Other: after a POST, the browser GETs the target, so a reload
// does not post again.
Response see_other(std::string_view location);

}  // namespace admin_console
