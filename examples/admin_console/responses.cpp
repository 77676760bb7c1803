// The headers, in one place: pages, redirects and JSON are no-store,
// nosniff, never framed and send a same-origin Referrer-Policy; pages add
// the Content-Security-Policy. Static files are no-cache: asked for again
// before each use.
#include "responses.h"

namespace admin_console {
namespace {

void add_common_headers(Response &res) {
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::x_frame_options, "DENY");
    res.set("Referrer-Policy", "same-origin");
}

// Scripts and the stylesheet come only from /static/ (no inline code, no
// event handler attributes), fetches go only back here.
std::string content_security_policy(std::string_view also_post_to) {
    std::string policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "form-action 'self'";
    if (!also_post_to.empty()) {
        policy += ' ';
        policy += also_post_to;
    }
    policy += "; frame-ancestors 'none'; base-uri 'none'";
    return policy;
}

}  // namespace

Response html_response(http::status status, std::string html, std::string_view also_post_to) {
    Response res{status, 11};
    add_common_headers(res);
    res.set("Content-Security-Policy", content_security_policy(also_post_to));
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

Response json_response(http::status status, std::string json) {
    Response res{status, 11};
    add_common_headers(res);
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(json);
    return res;
}

Response asset_response(const StaticAsset &asset) {
    Response res{http::status::ok, 11};
    res.set("X-Content-Type-Options", "nosniff");
    // Small files: asked again on every page, which keeps a changed console
    // from running yesterday's script.
    res.set(http::field::cache_control, "no-cache");
    res.set(http::field::content_type, asset.content_type);
    res.body() = std::string(asset.body);
    return res;
}

}  // namespace admin_console
