// Loading (dlopen with RTLD_LOCAL, the entry, a table reaching free_redirect,
// the audit extension if offered), create() with the console's callbacks,
// and the calls. A JSON answer or error is copied, then freed by a unique_ptr
// with the table's free function; no exception leaves a callback.
#include "plugin_host.h"

#include <dlfcn.h>

#include <cstddef>
#include <cstdio>
#include <new>
#include <utility>

#include "abi_fields.h"

namespace admin_console {
namespace {

std::string copy_or_empty(const char *text) {
    return text != nullptr ? std::string(text) : std::string();
}

const char *level_name(wisepay_log_level level) {
    switch (level) {
        case WISEPAY_LOG_DEBUG:
            return "debug";
        case WISEPAY_LOG_INFO:
            return "info";
        case WISEPAY_LOG_WARNING:
            return "warning";
        case WISEPAY_LOG_ERROR:
            return "error";
    }
    return "log";
}

// For the rare failure that comes without an error object (the ABI allows
// that only when memory ran out).
PluginError bare_error(wisepay_status status) {
    PluginError error;
    error.status = status;
    error.code = "no_error_details";
    error.message = "The Wise-Pay plugin failed without details (status " +
                    std::to_string(static_cast<int>(status)) + ").";
    return error;
}

}  // namespace

// ---------------------------------------------------------------------------

SignInRedirect::SignInRedirect(const wisepay_plugin_api *api, wisepay_redirect *redirect)
    : api_(api), redirect_(redirect) {}

SignInRedirect::SignInRedirect(SignInRedirect &&other) noexcept
    : api_(other.api_), redirect_(std::exchange(other.redirect_, nullptr)) {}

SignInRedirect::~SignInRedirect() {
    if (redirect_ != nullptr) {
        api_->free_redirect(redirect_);
    }
}

std::string_view SignInRedirect::url() const {
    return redirect_ != nullptr && redirect_->url != nullptr ? redirect_->url : "";
}

std::string_view SignInRedirect::correlation_id() const {
    if (redirect_ == nullptr ||
        !ADMIN_CONSOLE_HAS_FIELD(redirect_, wisepay_redirect, correlation_id) ||
        redirect_->correlation_id == nullptr) {
        return "";
    }
    return redirect_->correlation_id;
}

// ---------------------------------------------------------------------------

PluginHost::PluginHost(const std::string &path, std::string_view config_json) {
    // RTLD_LOCAL: the plugin's own dependencies (OpenSSL, SQLite) must not
    // leak into the console's symbol namespace, nor the other way round.
    library_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library_ == nullptr) {
        const char *why = ::dlerror();
        throw PluginLoadError("cannot load " + path + ": " + (why ? why : "unknown error"));
    }
    try {
        void *symbol = ::dlsym(library_, WISEPAY_PLUGIN_ENTRY_SYMBOL);
        if (symbol == nullptr) {
            throw PluginLoadError(path + " does not export " WISEPAY_PLUGIN_ENTRY_SYMBOL);
        }
        // dlsym hands back an object pointer; POSIX guarantees the cast.
        const auto entry = reinterpret_cast<wisepay_plugin_entry_fn>(symbol);
        api_ = entry(WISEPAY_ABI_VERSION);
        if (api_ == nullptr) {
            throw PluginLoadError(path + " cannot serve a host built for ABI version " +
                                  std::to_string(WISEPAY_ABI_VERSION));
        }
        // Every slot up to free_redirect is called below, so a table built
        // shorter than that cannot be used.
        if (api_->abi_version != WISEPAY_ABI_VERSION ||
            !ADMIN_CONSOLE_HAS_FIELD(api_, wisepay_plugin_api, free_redirect)) {
            throw PluginLoadError(path + " returned a function table this console cannot use");
        }

        // Later interfaces are asked for by id; a plugin without one
        // answers NULL, and the console does without it.
        const auto *audit = static_cast<const wisepay_audit_api *>(
            api_->get_extension != nullptr ? api_->get_extension(WISEPAY_EXT_AUDIT) : nullptr);
        if (audit != nullptr && ADMIN_CONSOLE_HAS_FIELD(audit, wisepay_audit_api, free_page)) {
            audit_api_ = audit;
        }

        wisepay_host host{};
        host.struct_size = sizeof host;
        host.host_data = this;
        host.log = &PluginHost::on_log;
        host.register_page = &PluginHost::on_register_page;
        wisepay_error *error = nullptr;
        const wisepay_status status =
            api_->create(&host, config_json.data(), config_json.size(), &instance_, &error);
        if (status != WISEPAY_OK) {
            instance_ = nullptr;  // the ABI promises NULL on failure; do not rely on it
            const PluginError details = take_error(status, error);
            throw PluginLoadError("the plugin refused to start: " + details.message +
                                  (details.code.empty() ? "" : " [" + details.code + "]"));
        }
        // A plugin may legitimately skip the callback; the same document is
        // then available from get_page_schema.
        if (!page_registered_) {
            char *json = nullptr;
            std::size_t length = 0;
            const wisepay_status got = api_->get_page_schema(instance_, &json, &length, &error);
            if (got != WISEPAY_OK) {
                throw PluginLoadError("the plugin registered no page and get_page_schema failed: " +
                                      take_error(got, error).message);
            }
            page_.document_json = take_string(json);
            page_registered_ = true;
        }
    } catch (...) {
        if (instance_ != nullptr) {
            api_->destroy(instance_);
            instance_ = nullptr;
        }
        ::dlclose(library_);
        library_ = nullptr;
        throw;
    }
}

PluginHost::~PluginHost() {
    // Order matters: the instance's code lives in the library.
    if (instance_ != nullptr) {
        api_->destroy(instance_);
    }
    if (library_ != nullptr) {
        ::dlclose(library_);
    }
}

std::string_view PluginHost::plugin_id() const {
    return api_->plugin_id != nullptr ? api_->plugin_id : "";
}

std::string_view PluginHost::plugin_version() const {
    return api_->plugin_version != nullptr ? api_->plugin_version : "";
}

// Called from any plugin thread. One fprintf per line: stdio locks the
// stream per call, so lines from parallel requests do not interleave.
void PluginHost::on_log(void *, wisepay_log_level level, const char *message) {
    std::fprintf(stderr, "[plugin %s] %s\n", level_name(level), message != nullptr ? message : "");
}

// No C++ exception may cross back into the plugin: everything is caught and
// turned into a status, which makes create() fail with it.
wisepay_status PluginHost::on_register_page(void *host_data, const wisepay_page *page) {
    auto *self = static_cast<PluginHost *>(host_data);
    if (self == nullptr || page == nullptr ||
        !ADMIN_CONSOLE_HAS_FIELD(page, wisepay_page, schema_json_len) ||
        page->schema_json == nullptr) {
        return WISEPAY_E_INVALID_ARGUMENT;
    }
    try {
        // The page and its strings are valid only during this callback.
        RegisteredPage copy;
        copy.page_id = copy_or_empty(page->page_id);
        copy.menu = copy_or_empty(page->menu);
        copy.title = copy_or_empty(page->title);
        copy.document_json.assign(page->schema_json, page->schema_json_len);
        self->page_ = std::move(copy);
        self->page_registered_ = true;
        return WISEPAY_OK;
    } catch (const std::bad_alloc &) {
        return WISEPAY_E_OUT_OF_MEMORY;
    } catch (...) {
        return WISEPAY_E_INTERNAL;
    }
}

PluginError PluginHost::take_error(wisepay_status status, wisepay_error *error) const {
    if (error == nullptr) {
        return bare_error(status);
    }
    // Released however the copy below ends, even by an exception.
    const std::unique_ptr<wisepay_error, void (*)(wisepay_error *)> owned(error, api_->free_error);
    PluginError copy;
    copy.status = status;
    if (ADMIN_CONSOLE_HAS_FIELD(error, wisepay_error, message)) {
        copy.code = copy_or_empty(error->code);
        copy.message = copy_or_empty(error->message);
    }
    if (ADMIN_CONSOLE_HAS_FIELD(error, wisepay_error, field_errors) &&
        error->field_errors != nullptr) {
        for (std::size_t i = 0; i < error->field_error_count; ++i) {
            copy.field_errors.push_back({copy_or_empty(error->field_errors[i].field),
                                         copy_or_empty(error->field_errors[i].message)});
        }
    }
    if (ADMIN_CONSOLE_HAS_FIELD(error, wisepay_error, correlation_id)) {
        copy.correlation_id = copy_or_empty(error->correlation_id);
    }
    if (ADMIN_CONSOLE_HAS_FIELD(error, wisepay_error, help_url)) {
        copy.help_url = copy_or_empty(error->help_url);
    }
    if (copy.message.empty()) {
        copy.message = bare_error(status).message;
    }
    return copy;
}

std::string PluginHost::take_string(char *text) const {
    const std::unique_ptr<char, void (*)(char *)> owned(text, api_->free_string);
    return copy_or_empty(text);
}

Outcome<std::string> PluginHost::get_settings(const std::string &tenant_id) const {
    char *json = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = api_->get_settings(instance_, tenant_id.c_str(), &json, &error);
    if (status != WISEPAY_OK) {
        return take_error(status, error);
    }
    return take_string(json);
}

Outcome<std::string> PluginHost::save_settings(const std::string &tenant_id,
                                               const std::string &actor,
                                               std::int64_t expected_version,
                                               std::string_view settings_json) const {
    wisepay_save_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = tenant_id.c_str();
    request.actor = actor.c_str();
    request.expected_version = expected_version;
    request.settings_json = settings_json.data();
    request.settings_json_len = settings_json.size();
    char *json = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = api_->save_settings(instance_, &request, &json, &error);
    if (status != WISEPAY_OK) {
        return take_error(status, error);
    }
    return take_string(json);
}

Outcome<std::string> PluginHost::test_connection(const std::string &tenant_id,
                                                 std::string_view typed_key) const {
    wisepay_test_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = tenant_id.c_str();
    // NULL, not "", asks for the saved key: "" would be a typed empty key.
    request.api_key = typed_key.empty() ? nullptr : typed_key.data();
    request.api_key_len = typed_key.size();
    request.deadline_ms = 0;  // the config's deadline
    char *json = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = api_->test_connection(instance_, &request, &json, &error);
    if (status != WISEPAY_OK) {
        return take_error(status, error);
    }
    return take_string(json);
}

Outcome<SignInRedirect> PluginHost::open_invoice(const InvoiceClick &click) const {
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = click.tenant_id.c_str();
    request.user_email = click.user_email.c_str();
    request.invoice_id = click.invoice_id.c_str();
    request.invoice_number = click.invoice_number.empty() ? nullptr : click.invoice_number.c_str();
    request.return_url = click.return_url.empty() ? nullptr : click.return_url.c_str();
    request.deadline_ms = 0;
    wisepay_redirect *redirect = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = api_->open_invoice(instance_, &request, &redirect, &error);
    if (status != WISEPAY_OK) {
        return take_error(status, error);
    }
    SignInRedirect owned(api_, redirect);
    if (redirect == nullptr || redirect->url == nullptr || redirect->url[0] == '\0') {
        // A success without a URL would strand the user on a blank tab.
        PluginError broken = bare_error(WISEPAY_E_INTERNAL);
        broken.code = "empty_redirect";
        broken.message = "The Wise-Pay plugin answered without a sign-in link.";
        return broken;
    }
    return owned;
}

}  // namespace admin_console
