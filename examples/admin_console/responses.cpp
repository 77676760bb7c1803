#include "responses.h"

namespace admin_console {
namespace {

void add_common_headers(Response &res) {
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::x_frame_options, "DENY");
    // The pages use inline CSS and no script; forms only post back here.
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'");
    res.set("Referrer-Policy", "same-origin");
}

}  // namespace

Response html_response(http::status status, std::string html) {
    Response res{status, 11};
    add_common_headers(res);
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.body() = std::move(html);
    return res;
}

Response see_other(std::string_view location) {
    Response res{http::status::see_other, 11};
    add_common_headers(res);
    res.set(http::field::location, location);
    return res;
}

}  // namespace admin_console
