// Routing, and the checks of POST sso-sessions in this order: Bearer key
// (401), integration switched on (403), JSON body (415), Idempotency-Key and
// body shape (400), payer (404 with registration_url), key reuse (422).
// A delay set by a test control is slept on /api/ requests only.
#include "routes.h"

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>

#include "answers.h"
#include "pages.h"
#include "test_controls.h"

namespace wisepay_standin {
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::string_view kApiPrefix = "/api/integrations/deskdirector/v1";
constexpr std::string_view kSessionCookie = "wp_session";
constexpr std::size_t kMaxIdempotencyKey = 255;
constexpr std::size_t kMaxField = 2048;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = static_cast<char>(y - 'A' + 'a');
        }
        if (x != y) {
            return false;
        }
    }
    return true;
}

Response method_not_allowed(std::string_view allow, bool api) {
    Response res = api ? api_error(http::status::method_not_allowed, "method_not_allowed",
                                   "Method not allowed.")
                       : make_response(http::status::method_not_allowed,
                                       "text/plain; charset=utf-8", "method not allowed\n");
    res.set(http::field::allow, allow);
    return res;
}

// "Bearer <key>"; the scheme is case-insensitive (RFC 9110), the key is not.
std::optional<std::string_view> bearer_key(const Request &req) {
    const auto it = req.find(http::field::authorization);
    if (it == req.end()) {
        return std::nullopt;
    }
    const std::string_view value = trim(it->value());
    const auto space = value.find(' ');
    if (space == std::string_view::npos || !iequals(value.substr(0, space), "bearer")) {
        return std::nullopt;
    }
    const std::string_view key = trim(value.substr(space + 1));
    if (key.empty()) {
        return std::nullopt;
    }
    return key;
}

// The merchant behind the request's key, or the 401 to send instead.
std::optional<Merchant> authenticate(Portal &portal, const Request &req, Response &refusal) {
    const auto key = bearer_key(req);
    std::optional<Merchant> merchant = key ? portal.merchant_by_key(*key) : std::nullopt;
    if (!merchant) {
        refusal = api_error(http::status::unauthorized, "unauthorized",
                            "The API key is missing or not recognised.");
        refusal.set(http::field::www_authenticate, "Bearer realm=\"wise-pay\"");
    }
    return merchant;
}

bool is_json_content(const Request &req) {
    const auto it = req.find(http::field::content_type);
    if (it == req.end()) {
        return false;
    }
    std::string_view type = it->value();
    type = trim(type.substr(0, type.find(';')));
    return iequals(type, "application/json");
}

// A non-empty string of bounded size, or nothing.
std::optional<std::string> string_field(const json::object &object, std::string_view name) {
    const json::value *value = object.if_contains(name);
    if (value == nullptr || !value->is_string()) {
        return std::nullopt;
    }
    const json::string &s = value->get_string();
    if (s.empty() || s.size() > kMaxField) {
        return std::nullopt;
    }
    return std::string(s);
}

// Checks the body's shape. On failure returns a message for the 400.
std::optional<std::string> parse_sso_request(const Request &req, SsoRequest &out) {
    boost::system::error_code ec;
    const json::value doc = json::parse(req.body(), ec);
    if (ec) {
        return "The body is not valid JSON.";
    }
    if (!doc.is_object()) {
        return "The body must be a JSON object.";
    }
    const json::object &root = doc.get_object();

    const auto email = string_field(root, "payer_email");
    if (!email || normalize_email(*email).empty()) {
        return "payer_email must be a non-empty string.";
    }
    out.payer_email = *email;

    const json::value *invoice = root.if_contains("invoice");
    if (invoice == nullptr || !invoice->is_object()) {
        return "invoice must be an object.";
    }
    const auto invoice_id = string_field(invoice->get_object(), "id");
    if (!invoice_id) {
        return "invoice.id must be a non-empty string.";
    }
    out.invoice_id = *invoice_id;

    // Optional fields are left out when unknown; if present they must be strings.
    if (invoice->get_object().contains("number")) {
        out.invoice_number = string_field(invoice->get_object(), "number");
        if (!out.invoice_number) {
            return "invoice.number, when given, must be a non-empty string.";
        }
    }
    if (root.contains("return_url")) {
        out.return_url = string_field(root, "return_url");
        if (!out.return_url) {
            return "return_url, when given, must be a non-empty string.";
        }
    }
    return std::nullopt;
}

// The contract calls it a random id: printable ASCII of bounded length is
// plenty, and anything else is a client bug worth a 400.
std::optional<std::string> idempotency_key(const Request &req, bool &valid) {
    valid = true;
    const auto it = req.find("Idempotency-Key");
    if (it == req.end()) {
        return std::nullopt;
    }
    const std::string_view key = trim(it->value());
    valid = !key.empty() && key.size() <= kMaxIdempotencyKey;
    for (char c : key) {
        valid = valid && c > ' ' && c < 0x7f;
    }
    return std::string(key);
}

Response create_sso_session(Portal &portal, const Request &req) {
    Response refusal;
    const std::optional<Merchant> merchant = authenticate(portal, req, refusal);
    if (!merchant) {
        return refusal;
    }
    if (!merchant->integration_enabled) {
        return api_error(http::status::forbidden, "integration_disabled",
                         "The Desk Director integration is switched off for this merchant.");
    }
    if (!is_json_content(req)) {
        return api_error(http::status::unsupported_media_type, "unsupported_media_type",
                         "Send Content-Type: application/json.");
    }
    SsoRequest sso;
    bool key_valid = true;
    sso.idempotency_key = idempotency_key(req, key_valid);
    if (!key_valid) {
        return api_error(http::status::bad_request, "invalid_request",
                         "Idempotency-Key must be 1 to 255 printable ASCII characters.");
    }
    if (const auto problem = parse_sso_request(req, sso)) {
        return api_error(http::status::bad_request, "invalid_request", *problem);
    }

    const SsoResult result = portal.create_sso_session(*merchant, sso);
    switch (result.status) {
        case SsoResult::Status::kPayerNotFound:
            return api_error(http::status::not_found, "payer_not_found",
                             "No payer of this merchant has that email address.",
                             {{"registration_url", portal.origin() + "/payers/register"}});
        case SsoResult::Status::kIdempotencyKeyReused:
            return api_error(http::status::unprocessable_entity, "idempotency_key_reused",
                             "This Idempotency-Key was used for a different request.");
        case SsoResult::Status::kOk:
            break;
    }
    return json_answer(http::status::ok, json::object{{"redirect_url", result.redirect_url},
                                                      {"expires_at", result.expires_at},
                                                      {"payer_email", result.payer_email}});
}

Response merchant_info(Portal &portal, const Request &req) {
    Response refusal;
    const std::optional<Merchant> merchant = authenticate(portal, req, refusal);
    if (!merchant) {
        return refusal;
    }
    return json_answer(http::status::ok,
                       json::object{{"merchant", {{"id", merchant->id}, {"name", merchant->name}}},
                                    {"integration_enabled", merchant->integration_enabled}});
}

std::string_view query_param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return pair.substr(eq + 1);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return {};
}

std::string_view session_cookie(const Request &req) {
    const auto [first, last] = req.equal_range(http::field::cookie);
    for (auto field = first; field != last; ++field) {
        std::string_view cookies = field->value();
        while (!cookies.empty()) {
            const auto semi = cookies.find(';');
            const std::string_view pair = trim(cookies.substr(0, semi));
            const auto eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == kSessionCookie) {
                return pair.substr(eq + 1);
            }
            if (semi == std::string_view::npos) {
                break;
            }
            cookies.remove_prefix(semi + 1);
        }
    }
    return {};
}

Response consume(Portal &portal, std::string_view query) {
    const std::string_view token = query_param(query, "token");
    const auto session = token.empty() ? std::nullopt : portal.consume_token(token);
    if (!session) {
        return html(http::status::unauthorized, link_expired_page());
    }
    // 303 so the browser GETs the dashboard and the token URL leaves the
    // address bar and the history's current entry.
    Response res = make_response(http::status::see_other, "text/plain; charset=utf-8",
                                 "Signed in. Continue to /dashboard\n");
    res.set(http::field::location, "/dashboard");
    // No Secure: the stand-in speaks plain HTTP on loopback.
    res.set(http::field::set_cookie, std::string(kSessionCookie) + "=" + *session +
                                         "; Path=/; HttpOnly; SameSite=Lax; Max-Age=1800");
    return res;
}

Response dashboard(Portal &portal, const Request &req) {
    const std::string_view session_id = session_cookie(req);
    const auto view = session_id.empty() ? std::nullopt : portal.dashboard(session_id);
    if (!view) {
        return html(http::status::unauthorized, not_signed_in_page());
    }
    std::string_view merchant_name;
    for (const auto &merchant : portal.data().merchants) {
        if (merchant.id == view->payer->merchant_id) {
            merchant_name = merchant.name;
        }
    }
    return html(http::status::ok, dashboard_page(*view, merchant_name));
}

Response route(Portal &portal, const Request &req, const RouteOptions &options) {
    const std::string_view target = req.target();
    const auto question = target.find('?');
    const std::string_view path = target.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    const bool get = req.method() == http::verb::get;

    if (options.test_controls && path.starts_with(kTestControlPrefix)) {
        return test_control(portal, req, path);
    }
    if (path.starts_with("/api/")) {
        // A slow Wise-Pay, when a test control asked for one. This
        // connection's own thread waits; others are served meanwhile.
        if (const auto delay = portal.api_delay(); delay.count() > 0) {
            std::this_thread::sleep_for(delay);
        }
        if (path.substr(0, kApiPrefix.size()) == kApiPrefix) {
            const std::string_view rest = path.substr(kApiPrefix.size());
            if (rest == "/sso-sessions") {
                return req.method() == http::verb::post ? create_sso_session(portal, req)
                                                        : method_not_allowed("POST", true);
            }
            if (rest == "/merchant") {
                return get ? merchant_info(portal, req) : method_not_allowed("GET", true);
            }
        }
        return api_error(http::status::not_found, "not_found", "No such endpoint.");
    }

    if (path == "/sso/consume" || path == "/dashboard" || path == "/payers/register" ||
        path == "/healthz" || path == "/") {
        if (!get) {
            return method_not_allowed("GET", false);
        }
        if (path == "/sso/consume") {
            return consume(portal, query);
        }
        if (path == "/dashboard") {
            return dashboard(portal, req);
        }
        if (path == "/payers/register") {
            return html(http::status::ok, register_page());
        }
        if (path == "/healthz") {
            return make_response(http::status::ok, "text/plain; charset=utf-8", "ok");
        }
        return html(http::status::ok, home_page());
    }
    return html(http::status::not_found, not_found_page());
}

}  // namespace

Response handle_request(Portal &portal, const Request &request, const RouteOptions &options) {
    return route(portal, request, options);
}

Response transport_error(http::status status) {
    switch (status) {
        case http::status::payload_too_large:
            return api_error(status, "request_too_large", "The request is larger than 64 KiB.");
        case http::status::request_header_fields_too_large:
            return api_error(status, "request_too_large", "The request headers are too large.");
        case http::status::bad_request:
            return api_error(status, "bad_request", "The request could not be parsed.");
        default:
            return api_error(status, "internal_error",
                             "Something went wrong in the stand-in Wise-Pay.");
    }
}

}  // namespace wisepay_standin
