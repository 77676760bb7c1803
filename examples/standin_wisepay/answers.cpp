// The headers on every answer (no-store, no-referrer, nosniff, the server's
// name) and, on HTML pages only, a CSP that allows inline styles and nothing
// else: no script, no form submission, no framing. api_error() merges `extra`
// into the contract's {"error": {"code", "message"}} object.
#include "answers.h"

#include <boost/json/serialize.hpp>

#include <utility>

namespace wisepay_standin {
namespace json = boost::json;

Response make_response(http::status status, std::string_view content_type, std::string body) {
    Response res{status, 11};
    res.set(http::field::server, "wisepay-standin");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Content-Type-Options", "nosniff");
    if (content_type.starts_with("text/html")) {
        res.set("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
                "base-uri 'none'; form-action 'none'");
    }
    res.body() = std::move(body);
    return res;
}

Response html(http::status status, std::string page) {
    return make_response(status, "text/html; charset=utf-8", std::move(page));
}

Response json_answer(http::status status, const json::object &body) {
    return make_response(status, "application/json", json::serialize(body));
}

Response api_error(http::status status, std::string_view code, std::string_view message,
                   json::object extra) {
    json::object error{{"code", code}, {"message", message}};
    for (auto &entry : extra) {
        error.emplace(entry.key(), std::move(entry.value()));
    }
    return json_answer(status, json::object{{"error", std::move(error)}});
}

}  // namespace wisepay_standin
