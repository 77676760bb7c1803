// The one place the console touches the plugin's C ABI: dlopen, the entry
// symbol, create/destroy, and a C++ face for each call the console makes,
// through the table and through an extension (plugin_extensions.cpp). Every
// object the plugin hands out is copied into plain C++ values and released
// with the table's (or the extension's) own free function before a method
// returns. The sign-in redirect is the exception: it stays plugin-owned until
// the caller is done, because its URL is a credential that should be copied
// as little as possible.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "wisepay_plugin.h"

namespace admin_console {

// Loading or creating the plugin failed; the message says why, for the log.
class PluginLoadError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct FieldError {
    std::string field;
    std::string message;
};

// A copy of the plugin's wisepay_error, owned by the console.
struct PluginError {
    wisepay_status status = WISEPAY_E_INTERNAL;
    std::string code;
    std::string message;
    std::vector<FieldError> field_errors;
    std::string correlation_id;  // "" when none
    std::string help_url;        // "" when none
};

// Either a value or the plugin's error. A tiny stand-in for std::expected,
// which C++20 lacks.
template <typename T>
class Outcome {
  public:
    Outcome(T value) : value_(std::move(value)) {}
    Outcome(PluginError error) : error_(std::move(error)) {}

    bool ok() const { return value_.has_value(); }
    T &value() { return *value_; }
    const T &value() const { return *value_; }
    const PluginError &error() const { return error_; }

  private:
    std::optional<T> value_;
    PluginError error_;
};

// The page the plugin registered at create(), copied during the callback.
struct RegisteredPage {
    std::string page_id;
    std::string menu;
    std::string title;
    std::string document_json;  // the page document (schema + ui hints)
};

struct InvoiceClick {
    std::string tenant_id;
    std::string user_email;
    std::string invoice_id;
    std::string invoice_number;
    std::string return_url;
};

// A sign-in redirect still owned by the plugin; free_redirect (which wipes
// the URL) runs when this goes out of scope.
class SignInRedirect {
  public:
    SignInRedirect(const wisepay_plugin_api *api, wisepay_redirect *redirect);
    SignInRedirect(SignInRedirect &&other) noexcept;
    SignInRedirect &operator=(SignInRedirect &&) = delete;
    SignInRedirect(const SignInRedirect &) = delete;
    SignInRedirect &operator=(const SignInRedirect &) = delete;
    ~SignInRedirect();

    // A credential: hand it to the browser, never log or store it.
    std::string_view url() const;
    std::string_view correlation_id() const;

  private:
    const wisepay_plugin_api *api_;
    wisepay_redirect *redirect_;
};

// One entry of a tenant's audit trail ("wisepay.audit/1").
struct AuditEntry {
    std::int64_t id = 0;
    std::int64_t version = 0;  // the settings version the change made
    std::string actor;         // who made it
    std::int64_t at_unix = 0;  // when, Unix seconds
    std::string summary;       // what changed, in words; never the key
};

struct AuditPage {
    std::vector<AuditEntry> entries;  // newest first
    std::int64_t next_before_id = 0;  // for the next, older page; 0 when none
};

class PluginHost {
  public:
    // Loads the library at `path`, checks it speaks this console's ABI and
    // creates an instance from `config_json`. Throws PluginLoadError.
    PluginHost(const std::string &path, std::string_view config_json);
    // destroy() then dlclose(). The caller guarantees no call is running.
    ~PluginHost();
    PluginHost(const PluginHost &) = delete;
    PluginHost &operator=(const PluginHost &) = delete;

    std::string_view plugin_id() const;
    std::string_view plugin_version() const;
    const RegisteredPage &page() const { return page_; }

    // The calls below are safe from any thread (the plugin says so); each
    // returns the plugin's JSON answer as text.
    Outcome<std::string> get_settings(const std::string &tenant_id) const;
    Outcome<std::string> save_settings(const std::string &tenant_id, const std::string &actor,
                                       std::int64_t expected_version,
                                       std::string_view settings_json) const;
    // `typed_key` empty: test the saved key.
    Outcome<std::string> test_connection(const std::string &tenant_id,
                                         std::string_view typed_key) const;
    Outcome<SignInRedirect> open_invoice(const InvoiceClick &click) const;

    // One page of the tenant's audit trail, newest first, `before_id` 0 for
    // the newest. Through the "wisepay.audit/1" extension; a plugin without
    // it gives WISEPAY_E_NOT_IMPLEMENTED, code "extension_missing".
    Outcome<AuditPage> audit_page(const std::string &tenant_id, std::uint32_t limit,
                                  std::int64_t before_id) const;

  private:
    static void on_log(void *host_data, wisepay_log_level level, const char *message);
    static wisepay_status on_register_page(void *host_data, const wisepay_page *page);

    PluginError take_error(wisepay_status status, wisepay_error *error) const;
    std::string take_string(char *text) const;

    void *library_ = nullptr;
    const wisepay_plugin_api *api_ = nullptr;
    const wisepay_audit_api *audit_api_ = nullptr;  // nullptr: the plugin lacks it
    wisepay_instance *instance_ = nullptr;
    RegisteredPage page_;
    bool page_registered_ = false;
};

}  // namespace admin_console
