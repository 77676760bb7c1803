// The C boundary: the only file that knows both the C ABI and the C++ inside.
// Every entry point checks its arguments, runs the call inside a catch-all
// (no exception crosses into the host), records stats, and turns failures
// into wisepay_error objects.
#include <openssl/crypto.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>

#include "abi/wisepay_plugin.h"
#include "plugin/util/error.h"
#include "plugin/util/hex.h"
#include "plugin/settings/page_schema.h"
#include "plugin/plugin.h"
#include "plugin/settings/settings_input.h"
#include "plugin/version.h"

struct wisepay_instance {
    wisepay_instance(const wisepay::Logger &log, std::string_view config_json)
        : plugin(log, config_json) {}
    wisepay::Plugin plugin;
    // Its database and network connections belong to this process; a child
    // made by fork() shares their descriptors and must not use them.
    const pid_t owner = ::getpid();
};

namespace wisepay {
namespace {

// Size of a struct as version 1 of the ABI defined it: hosts may pass a
// larger struct_size (newer header), never a smaller one.
#define WISEPAY_V1_SIZE(type, last_field) \
    (offsetof(type, last_field) + sizeof(((type *)0)->last_field))

template <typename T>
bool struct_fits(const T *value, std::size_t v1_size) {
    return value != nullptr && value->struct_size >= v1_size;
}

std::string new_correlation_id() {
    return random_hex(8).value_or("unavailable");
}

// Copies strings into one malloc'd block after a fixed header, so that the
// host releases everything with one free function and no C++ type leaks out.
class FlatBlock {
  public:
    explicit FlatBlock(std::size_t header_size) : size_(header_size) {}
    void reserve_string(std::string_view s) { size_ += s.size() + 1; }
    bool allocate() {
        block_ = static_cast<char *>(std::calloc(1, size_));
        return block_ != nullptr;
    }
    void start_strings(std::size_t offset) { cursor_ = block_ + offset; }
    // Copies `s` and its terminating NUL (the block starts zeroed).
    const char *put(std::string_view s) {
        char *out = cursor_;
        std::memcpy(out, s.data(), s.size());
        cursor_ += s.size() + 1;
        return out;
    }
    char *block() const { return block_; }

  private:
    std::size_t size_;
    char *block_ = nullptr;
    char *cursor_ = nullptr;
};

wisepay_error *make_error(const Error &e, const std::string &correlation_id) {
    const auto &fields = e.field_errors();
    const std::size_t fields_offset = sizeof(wisepay_error);
    const std::size_t strings_offset = fields_offset + fields.size() * sizeof(wisepay_field_error);
    FlatBlock flat(strings_offset);
    flat.reserve_string(e.code());
    flat.reserve_string(e.message());
    flat.reserve_string(correlation_id);
    flat.reserve_string(e.help_url());
    for (const auto &f : fields) {
        flat.reserve_string(f.field);
        flat.reserve_string(f.message);
    }
    if (!flat.allocate()) {
        return nullptr;
    }
    auto *error = reinterpret_cast<wisepay_error *>(flat.block());
    auto *field_errors = reinterpret_cast<wisepay_field_error *>(flat.block() + fields_offset);
    flat.start_strings(strings_offset);
    error->struct_size = sizeof(wisepay_error);
    error->status = e.status();
    error->code = flat.put(e.code());
    error->message = flat.put(e.message());
    error->correlation_id = flat.put(correlation_id);
    const char *help = flat.put(e.help_url());
    error->help_url = e.help_url().empty() ? nullptr : help;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        field_errors[i].field = flat.put(fields[i].field);
        field_errors[i].message = flat.put(fields[i].message);
    }
    error->field_error_count = fields.size();
    error->field_errors = fields.empty() ? nullptr : field_errors;
    return error;
}

char *copy_string(const std::string &s) {
    char *out = static_cast<char *>(std::malloc(s.size() + 1));
    if (out == nullptr) {
        throw std::bad_alloc();
    }
    std::memcpy(out, s.c_str(), s.size() + 1);
    return out;
}

// Errors the user can fix themselves need no correlation id; the rest get
// one, logged beside the detail so support can find it.
bool needs_correlation_id(wisepay_status status) {
    return status == WISEPAY_E_STORAGE || status == WISEPAY_E_CRYPTO ||
           status == WISEPAY_E_UNAVAILABLE || status == WISEPAY_E_UPSTREAM_INVALID ||
           status == WISEPAY_E_INTERNAL || status == WISEPAY_E_OUT_OF_MEMORY;
}

wisepay_status report(const Logger *log, const Error &e, wisepay_error **out_error) {
    const std::string correlation_id = needs_correlation_id(e.status()) ? new_correlation_id() : "";
    if (log != nullptr && !correlation_id.empty()) {
        log->warning("correlation id " + correlation_id + ": " + e.code() + ": " + e.message());
    }
    if (out_error != nullptr) {
        *out_error = make_error(e, correlation_id);
    }
    return e.status();
}

// Runs `body` with the boundary's guarantees: arguments already checked by
// the caller, every exception mapped to a status, stats recorded.
template <typename Body>
wisepay_status guarded(wisepay_instance *instance, Stats::Call call, wisepay_error **out_error,
                       Body &&body) noexcept {
    const auto started = std::chrono::steady_clock::now();
    const Logger *log = instance != nullptr ? &instance->plugin.log() : nullptr;
    wisepay_status status = WISEPAY_OK;
    if (out_error != nullptr) {
        *out_error = nullptr;
    }
    try {
        if (instance != nullptr && instance->owner != ::getpid()) {
            throw invalid_argument("instance_from_parent_process",
                                   "This Wise-Pay plugin instance was created by the parent of "
                                   "this process, before fork(). Create a new instance here.");
        }
        body();
    } catch (const Error &e) {
        status = report(log, e, out_error);
    } catch (const std::bad_alloc &) {
        status = report(
            log, Error(WISEPAY_E_OUT_OF_MEMORY, "out_of_memory", "The plugin ran out of memory."),
            out_error);
    } catch (const std::exception &e) {
        if (log != nullptr)
            log->error(std::string("unexpected failure: ") + e.what());
        status = report(log,
                        Error(WISEPAY_E_INTERNAL, "internal_error",
                              "The Wise-Pay plugin hit an unexpected problem."),
                        out_error);
    } catch (...) {
        status = report(log,
                        Error(WISEPAY_E_INTERNAL, "internal_error",
                              "The Wise-Pay plugin hit an unexpected problem."),
                        out_error);
    }
    if (instance != nullptr) {
        instance->plugin.stats().record(call, status, std::chrono::steady_clock::now() - started);
    }
    return status;
}

void require(bool condition, const char *code, const char *message) {
    if (!condition) {
        throw invalid_argument(code, message);
    }
}

// ---------------------------------------------------------------------------

wisepay_status api_create(const wisepay_host *host, const char *config_json, std::size_t config_len,
                          wisepay_instance **out_instance, wisepay_error **out_error) {
    if (out_instance != nullptr) {
        *out_instance = nullptr;
    }
    return guarded(nullptr, Stats::Call::kGetSettings, out_error, [&] {
        require(out_instance != nullptr, "invalid_argument", "out_instance must not be NULL.");
        require(struct_fits(host, WISEPAY_V1_SIZE(wisepay_host, register_page)), "invalid_host",
                "The host table is NULL or its struct_size is too small.");
        require(config_json != nullptr, "invalid_config", "The config must not be NULL.");
        const Logger log(host->host_data, host->log);
        auto instance =
            std::make_unique<wisepay_instance>(log, std::string_view(config_json, config_len));
        if (host->register_page != nullptr) {
            const std::string &doc = page::document();
            const wisepay_page page_info{sizeof(wisepay_page), page::kPageId, page::kMenu,
                                         page::kTitle,         doc.c_str(),   doc.size()};
            const int registered =
                static_cast<int>(host->register_page(host->host_data, &page_info));
            if (registered != WISEPAY_OK) {
                // The host's own status when it is one of ours; anything
                // else would reach the host as a status it does not know.
                const bool known = registered > WISEPAY_OK && registered <= WISEPAY_E_INTERNAL;
                throw Error(
                    known ? static_cast<wisepay_status>(registered) : WISEPAY_E_INVALID_ARGUMENT,
                    "page_registration_refused",
                    "The host refused to register the Wise-Pay page (register_page "
                    "returned " +
                        std::to_string(registered) + ").");
            }
        }
        *out_instance = instance.release();
    });
}

void api_destroy(wisepay_instance *instance) {
    // In a child made by fork() the instance is only forgotten: closing its
    // connections would close the parent's SQLite files and sockets here,
    // and SQLite forbids using a connection across fork().
    if (instance != nullptr && instance->owner != ::getpid())
        return;
    delete instance;
}

wisepay_status api_get_page_schema(wisepay_instance *instance, char **out_json,
                                   std::size_t *out_len, wisepay_error **out_error) {
    // Like every call: outputs are reset first, so a refused call never
    // leaves the host holding a stale pointer it might free.
    if (out_json != nullptr)
        *out_json = nullptr;
    if (out_len != nullptr)
        *out_len = 0;
    return guarded(instance, Stats::Call::kGetPageSchema, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(out_json != nullptr, "invalid_argument", "out_json must not be NULL.");
        const std::string &doc = page::document();
        *out_json = copy_string(doc);
        if (out_len != nullptr)
            *out_len = doc.size();
    });
}

wisepay_status api_get_settings(wisepay_instance *instance, const char *tenant_id, char **out_json,
                                wisepay_error **out_error) {
    if (out_json != nullptr)
        *out_json = nullptr;
    return guarded(instance, Stats::Call::kGetSettings, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(out_json != nullptr, "invalid_argument", "out_json must not be NULL.");
        const std::string tenant = check_tenant_id(tenant_id);
        auto record = instance->plugin.settings().current(tenant);
        *out_json = copy_string(SettingsService::to_public_json(*record));
    });
}

wisepay_status api_save_settings(wisepay_instance *instance, const wisepay_save_request *request,
                                 char **out_json, wisepay_error **out_error) {
    if (out_json != nullptr)
        *out_json = nullptr;
    return guarded(instance, Stats::Call::kSaveSettings, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(struct_fits(request, WISEPAY_V1_SIZE(wisepay_save_request, settings_json_len)),
                "invalid_request", "The save request is NULL or its struct_size is too small.");
        require(request->settings_json != nullptr, "invalid_request",
                "The settings JSON must not be NULL.");
        SaveCommand command{check_tenant_id(request->tenant_id), check_actor(request->actor),
                            request->expected_version,
                            std::string_view(request->settings_json, request->settings_json_len)};
        auto written = instance->plugin.settings().save(command);
        if (out_json != nullptr) {
            *out_json = copy_string(SettingsService::to_public_json(*written));
        }
    });
}

wisepay_status api_test_connection(wisepay_instance *instance, const wisepay_test_request *request,
                                   char **out_json, wisepay_error **out_error) {
    if (out_json != nullptr)
        *out_json = nullptr;
    return guarded(instance, Stats::Call::kTestConnection, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(struct_fits(request, WISEPAY_V1_SIZE(wisepay_test_request, deadline_ms)),
                "invalid_request", "The test request is NULL or its struct_size is too small.");
        require(out_json != nullptr, "invalid_argument", "out_json must not be NULL.");
        const std::string tenant = check_tenant_id(request->tenant_id);
        std::optional<std::string_view> typed_key;
        if (request->api_key != nullptr) {
            typed_key = std::string_view(request->api_key, request->api_key_len);
        }
        const Merchant merchant = instance->plugin.invoice_links().test_connection(
            tenant, typed_key, request->deadline_ms);
        if (!merchant.integration_enabled) {
            throw Error(WISEPAY_E_UPSTREAM_DISABLED, "wisepay_integration_disabled",
                        "The key belongs to " + merchant.name +
                            ", but the Desk Director integration is switched off in Wise-Pay. "
                            "Switch it on under Configure > Merchants > Integrations > Desk "
                            "Director.");
        }
        *out_json = copy_string(boost::json::serialize(boost::json::object{
            {"ok", true}, {"merchant_id", merchant.id}, {"merchant_name", merchant.name}}));
    });
}

// The redirect and its strings in one block. The URL is a credential, so
// free_redirect wipes it before the memory goes back.
wisepay_redirect *make_redirect(const SsoSession &session, const std::string &correlation_id) {
    FlatBlock flat(sizeof(wisepay_redirect));
    flat.reserve_string(session.redirect_url.view());
    flat.reserve_string(correlation_id);
    if (!flat.allocate()) {
        throw std::bad_alloc();
    }
    auto *redirect = reinterpret_cast<wisepay_redirect *>(flat.block());
    flat.start_strings(sizeof(wisepay_redirect));
    redirect->struct_size = sizeof(wisepay_redirect);
    redirect->url = flat.put(session.redirect_url.view());
    redirect->expires_at_unix = session.expires_at;
    redirect->open_in_new_tab = 1;
    redirect->correlation_id = flat.put(correlation_id);
    return redirect;
}

wisepay_status api_open_invoice(wisepay_instance *instance, const wisepay_invoice_request *request,
                                wisepay_redirect **out_redirect, wisepay_error **out_error) {
    if (out_redirect != nullptr)
        *out_redirect = nullptr;
    return guarded(instance, Stats::Call::kOpenInvoice, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(struct_fits(request, WISEPAY_V1_SIZE(wisepay_invoice_request, deadline_ms)),
                "invalid_request", "The invoice request is NULL or its struct_size is too small.");
        require(out_redirect != nullptr, "invalid_argument", "out_redirect must not be NULL.");
        InvoiceClick click;
        click.tenant_id = check_tenant_id(request->tenant_id);
        click.user_email = request->user_email;
        click.invoice_id = request->invoice_id;
        click.invoice_number = request->invoice_number;
        click.return_url = request->return_url;
        click.deadline_ms = request->deadline_ms;
        // The session's copy of the URL is wiped when it goes.
        const SsoSession session = instance->plugin.invoice_links().open(click);
        *out_redirect = make_redirect(session, new_correlation_id());
    });
}

wisepay_status api_get_stats(wisepay_instance *instance, char **out_json,
                             wisepay_error **out_error) {
    if (out_json != nullptr)
        *out_json = nullptr;
    if (out_error != nullptr)
        *out_error = nullptr;
    try {
        if (instance == nullptr || out_json == nullptr) {
            throw invalid_argument("invalid_argument",
                                   "The instance and out_json must not be NULL.");
        }
        *out_json = copy_string(instance->plugin.stats().to_json());
        return WISEPAY_OK;
    } catch (const Error &e) {
        return report(nullptr, e, out_error);
    } catch (...) {
        return report(
            nullptr,
            Error(WISEPAY_E_OUT_OF_MEMORY, "out_of_memory", "The plugin ran out of memory."),
            out_error);
    }
}

const void *api_get_extension(const char *) {
    return nullptr;
}

void api_free_string(char *string) {
    std::free(string);
}
void api_free_error(wisepay_error *error) {
    std::free(error);
}
void api_free_redirect(wisepay_redirect *redirect) {
    if (redirect != nullptr && redirect->url != nullptr) {
        OPENSSL_cleanse(const_cast<char *>(redirect->url), std::strlen(redirect->url));
    }
    std::free(redirect);
}

constexpr wisepay_plugin_api kApi = {
    sizeof(wisepay_plugin_api),
    WISEPAY_ABI_VERSION,
    kPluginId,
    kPluginVersion,
    api_create,
    api_destroy,
    api_get_page_schema,
    api_get_settings,
    api_save_settings,
    api_test_connection,
    api_open_invoice,
    api_get_stats,
    api_get_extension,
    api_free_string,
    api_free_error,
    api_free_redirect,
};

}  // namespace
}  // namespace wisepay

extern "C" WISEPAY_EXPORT const wisepay_plugin_api *wisepay_plugin_entry(
    uint32_t host_abi_version) {
    return host_abi_version == WISEPAY_ABI_VERSION ? &wisepay::kApi : nullptr;
}
