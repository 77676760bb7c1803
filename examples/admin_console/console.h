// The admin console's request handling: who is signed in, which page a
// request wants, and the calls into the plugin behind each page. Safe to call
// from many connection threads at once: the plugin is thread-safe, and the
// session store and the invoice-open guard lock themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "demo_users.h"
#include "form_data.h"
#include "form_view.h"
#include "http_types.h"
#include "open_guard.h"
#include "page_document.h"
#include "pages.h"
#include "plugin_host.h"
#include "sessions.h"
#include "settings_status.h"

namespace admin_console {

struct ConsoleOptions {
    std::string tenant_id;  // the portal's tenant, as the plugin knows it
    // Host header values this console answers to ("127.0.0.1:8080",
    // "localhost:8080"). Anything else is refused: a web page whose domain
    // was re-pointed at 127.0.0.1 (DNS rebinding) must not drive the console.
    std::vector<std::string> hosts;
    // The Wise-Pay portal's origin ("https://pay.example.com"), where sign-in
    // links lead; the "Opening Wise-Pay..." page lets its form end up there
    // (Content-Security-Policy form-action). "" when unknown.
    std::string wisepay_origin;
};

class Console {
  public:
    // Where the Wise-Pay page lives in the console's admin area.
    static constexpr std::string_view kIntegrationPath = "/admin/integrations/wisepay";
    // Where the admin confirms removing the saved key.
    static constexpr std::string_view kRemoveKeyPath = "/admin/integrations/wisepay/remove-key";

    Console(const PluginHost &plugin, PageDocument page, ConsoleOptions options);

    // The request is not const: a POST body may hold the API key, which is
    // wiped once handled.
    Response handle(Request &req);

  private:
    struct Visitor {
        std::optional<Session> session;
        const DemoUser *user = nullptr;
    };

    // The Wise-Pay page as get_settings says things are now: the form's
    // values, and the status around it; or the plugin's error.
    struct LoadedSettings {
        FormView view;
        std::optional<SettingsStatus> status;
        std::optional<PluginError> error;
    };

    Response route(Request &req, const Visitor &who);
    Visitor visitor(const Request &req) const;
    Chrome chrome(const DemoUser *user) const;
    Response page(http::status status, std::string_view title, const DemoUser *user,
                  const std::string &main_html, const std::vector<std::string_view> &scripts = {},
                  std::string_view also_post_to = {}) const;
    Response notice(http::status status, const DemoUser *user, std::string_view heading,
                    std::string_view text) const;
    bool known_host(const Request &req) const;
    // "http://<Host>", for links that must come back to this console under
    // the name the browser uses (its cookie is bound to that name).
    std::string origin(const Request &req) const;
    bool same_origin(const Request &req) const;
    bool csrf_ok(const Visitor &who, const FormData &form) const;
    // A signed-in admin, or the answer to give instead.
    std::optional<Response> refuse_unless_admin(const Visitor &who) const;

    // console.cpp
    Response login_page(const Visitor &who) const;
    Response login(const Request &req, const Visitor &who);

    // integration_page.cpp
    Response show_integration(const Request &req, const Visitor &who) const;
    Response post_integration(const Request &req, const Visitor &who) const;
    Response save(const Visitor &who, const FormData &form) const;
    LoadedSettings load_settings() const;
    LoadedSettings view_after_post(const FormData &form) const;
    Response integration_response(http::status status, const Visitor &who, LoadedSettings loaded,
                                  std::int64_t history_before = 0) const;

    // connection_test.cpp
    Response test_connection(const Visitor &who, const FormData &form, bool wants_json) const;

    // remove_key.cpp
    Response remove_key_page(const Visitor &who) const;
    Response remove_key(const Request &req, const Visitor &who) const;

    // invoice_pages.cpp
    Response invoices(const Visitor &who) const;
    Response opening_page(const Visitor &who, std::string_view invoice_id) const;

    // invoice_open.cpp
    Response open_invoice(const Request &req, const Visitor &who,
                          std::string_view invoice_id) const;

    const PluginHost &plugin_;
    const PageDocument page_;
    const ConsoleOptions options_;
    // Both lock themselves; the handlers that use them are otherwise const.
    mutable SessionStore sessions_;
    mutable OpenGuard open_guard_;
};

// The HTTP status for a plugin failure shown as a page.
http::status status_for(wisepay_status status);

// Whether the request asks for JSON (the page's scripts do) rather than HTML.
bool accepts_json(const Request &req);

}  // namespace admin_console
