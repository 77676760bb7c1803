// Console's front door: the Host check, routing by path and method, the
// visitor from the session cookie, the Origin and CSRF checks, sign-in, and
// plugin statuses as HTTP statuses. A POST body is wiped once answered. The
// pages' own handlers are in the files console.h names beside them.
#include "console.h"

#include <utility>

#include "responses.h"
#include "static_assets.h"

namespace admin_console {
namespace {

constexpr std::string_view kInvoicesPath = "/invoices";

// "/invoices/<id>/pay" -> "<id>"; "" when the path is something else. GET
// is the "Opening Wise-Pay..." page, POST opens Wise-Pay.
std::string_view pay_invoice_id(std::string_view path) {
    constexpr std::string_view kPrefix = "/invoices/";
    constexpr std::string_view kSuffix = "/pay";
    if (!path.starts_with(kPrefix) || !path.ends_with(kSuffix) ||
        path.size() <= kPrefix.size() + kSuffix.size()) {
        return {};
    }
    const std::string_view id =
        path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    return id.find('/') == std::string_view::npos ? id : std::string_view{};
}

Response method_not_allowed(std::string_view allow) {
    Response res{http::status::method_not_allowed, 11};
    res.set(http::field::allow, allow);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = "Method not allowed.\n";
    return res;
}

}  // namespace

http::status status_for(wisepay_status status) {
    switch (status) {
        case WISEPAY_OK:
            return http::status::ok;
        case WISEPAY_E_INVALID_ARGUMENT:
            return http::status::bad_request;
        case WISEPAY_E_VALIDATION:
            return http::status::unprocessable_entity;
        case WISEPAY_E_CONFLICT:
            return http::status::conflict;
        case WISEPAY_E_PAYER_NOT_FOUND:
            return http::status::forbidden;
        // Switched off or not set up yet: the admin can fix it, the user
        // can try again later.
        case WISEPAY_E_DISABLED:
        case WISEPAY_E_NO_API_KEY:
        case WISEPAY_E_UPSTREAM_DISABLED:
        case WISEPAY_E_UNAVAILABLE:
            return http::status::service_unavailable;
        case WISEPAY_E_KEY_REJECTED:
        case WISEPAY_E_UPSTREAM_INVALID:
            return http::status::bad_gateway;
        case WISEPAY_E_NOT_IMPLEMENTED:
            return http::status::not_implemented;
        case WISEPAY_E_CONFIG:
        case WISEPAY_E_STORAGE:
        case WISEPAY_E_CRYPTO:
        case WISEPAY_E_OUT_OF_MEMORY:
        case WISEPAY_E_INTERNAL:
            break;
    }
    return http::status::internal_server_error;
}

bool accepts_json(const Request &req) {
    return req[http::field::accept].find("application/json") != std::string_view::npos;
}

Console::Console(const PluginHost &plugin, PageDocument page, ConsoleOptions options)
    : plugin_(plugin), page_(std::move(page)), options_(std::move(options)) {}

Response Console::handle(Request &req) {
    if (!known_host(req)) {
        Response res{http::status::misdirected_request, 11};
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.set(http::field::cache_control, "no-store");
        res.body() = "This console answers only to its loopback address.\n";
        return res;
    }
    const Visitor who = visitor(req);
    Response res = route(req, who);
    if (req.method() == http::verb::post) {
        wipe_string(req.body());  // it may have carried the API key
    }
    return res;
}

Response Console::route(Request &req, const Visitor &who) {
    const std::string_view path = target_path(req.target());
    const bool get = req.method() == http::verb::get;
    const bool post = req.method() == http::verb::post;

    if (path == "/") {
        return get ? login_page(who) : method_not_allowed("GET");
    }
    if (path == "/login") {
        return post ? login(req, who) : method_not_allowed("POST");
    }
    if (path.starts_with("/static/")) {
        const StaticAsset *asset = find_asset(path);
        if (asset == nullptr) {
            return notice(http::status::not_found, who.user, "Page not found",
                          "There is no page at this address.");
        }
        return get ? asset_response(*asset) : method_not_allowed("GET");
    }
    if (path == kIntegrationPath) {
        if (get) {
            return show_integration(req, who);
        }
        return post ? post_integration(req, who) : method_not_allowed("GET, POST");
    }
    if (path == kRemoveKeyPath) {
        if (get) {
            return remove_key_page(who);
        }
        return post ? remove_key(req, who) : method_not_allowed("GET, POST");
    }
    if (path == kInvoicesPath) {
        return get ? invoices(who) : method_not_allowed("GET");
    }
    if (const std::string_view invoice_id = pay_invoice_id(path); !invoice_id.empty()) {
        if (get) {
            return opening_page(who, invoice_id);
        }
        return post ? open_invoice(req, who, invoice_id) : method_not_allowed("GET, POST");
    }
    return notice(http::status::not_found, who.user, "Page not found",
                  "There is no page at this address.");
}

Console::Visitor Console::visitor(const Request &req) const {
    Visitor who;
    const auto cookie = req.find(http::field::cookie);
    if (cookie == req.end()) {
        return who;
    }
    const std::string_view id = cookie_value(cookie->value(), SessionStore::kCookieName);
    if (id.empty()) {
        return who;
    }
    who.session = sessions_.find(id);
    if (who.session) {
        who.user = find_user(who.session->user_id);
    }
    return who;
}

Chrome Console::chrome(const DemoUser *user) const {
    return Chrome{user, page_.menu + " \u203a " + page_.title, std::string(kIntegrationPath)};
}

Response Console::page(http::status status, std::string_view title, const DemoUser *user,
                       const std::string &main_html, const std::vector<std::string_view> &scripts,
                       std::string_view also_post_to) const {
    return html_response(status, layout(title, chrome(user), main_html, scripts), also_post_to);
}

Response Console::notice(http::status status, const DemoUser *user, std::string_view heading,
                         std::string_view text) const {
    const bool signed_in = user != nullptr;
    return page(status, heading, user,
                notice_section(heading, text, signed_in ? kInvoicesPath : "/",
                               signed_in ? "Go to your invoices" : "Sign in"));
}

bool Console::known_host(const Request &req) const {
    const std::string_view host = req[http::field::host];
    for (const auto &known : options_.hosts) {
        if (host == known) {
            return true;
        }
    }
    return false;
}

std::string Console::origin(const Request &req) const {
    return "http://" + std::string(req[http::field::host]);
}

// A browser names the page a POST comes from; a form on another site must
// not act with this console's cookie. (SameSite=Lax already keeps the cookie
// off cross-site POSTs; this is a second, cheap line.) Non-browser clients
// send no Origin and are judged by the CSRF token alone.
bool Console::same_origin(const Request &req) const {
    const auto sent = req.find(http::field::origin);
    return sent == req.end() || sent->value() == origin(req);
}

bool Console::csrf_ok(const Visitor &who, const FormData &form) const {
    const auto token = form.get("csrf_token");
    return who.session && token && same_token(*token, who.session->csrf_token);
}

std::optional<Response> Console::refuse_unless_admin(const Visitor &who) const {
    if (who.user == nullptr) {
        return see_other("/");
    }
    if (!who.user->admin) {
        return notice(http::status::forbidden, who.user, "Admins only",
                      "Only portal admins can see or change integrations.");
    }
    return std::nullopt;
}

Response Console::login_page(const Visitor &who) const {
    return page(http::status::ok, "Sign in", who.user, login_section(chrome(who.user)));
}

Response Console::login(const Request &req, const Visitor &who) {
    if (!same_origin(req)) {
        return notice(http::status::forbidden, nullptr, "Sign-in refused",
                      "This sign-in did not come from the console's own page.");
    }
    const FormData form = FormData::parse(req.body());
    const DemoUser *user = find_user(form.get("user").value_or(""));
    if (user == nullptr) {
        return notice(http::status::bad_request, who.user, "Unknown user",
                      "Pick one of the people on the sign-in page.");
    }
    // A fresh session (and CSRF token) per sign-in; the old one stops working.
    if (who.session) {
        sessions_.remove(who.session->id);
    }
    const Session session = sessions_.create(user->id);
    Response res = see_other(user->admin ? kIntegrationPath : kInvoicesPath);
    // HttpOnly: no script can read it. SameSite=Lax: sent when the user
    // follows a link here (the Wise-Pay tab's way back) but not on
    // cross-site POSTs. No Secure flag: the demo speaks plain HTTP on
    // loopback; a real host behind TLS adds it.
    res.set(http::field::set_cookie, std::string(SessionStore::kCookieName) + "=" + session.id +
                                         "; Path=/; HttpOnly; SameSite=Lax");
    return res;
}

}  // namespace admin_console
