// The C ABI's version 1 function table and the one exported symbol. Each
// entry point resets its outputs, checks the host's arguments, and runs the
// call through the boundary's guard (c_boundary.h); results go back as the C
// objects of c_results.h.
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "abi/wisepay_plugin.h"
#include "plugin/c_boundary.h"
#include "plugin/c_extensions.h"
#include "plugin/c_results.h"
#include "plugin/invoice/invoice_input.h"
#include "plugin/settings/connection_test.h"
#include "plugin/settings/page_schema.h"
#include "plugin/settings/settings_input.h"
#include "plugin/util/deadline.h"
#include "plugin/version.h"

namespace wisepay {
namespace {

// register_page's answer: a refusal fails create() with the host's status
// when it is one of ours; anything else would reach the host as a status no
// host can name.
void register_page(const wisepay_host &host) {
    if (host.register_page == nullptr)
        return;
    const std::string &doc = page::document();
    const wisepay_page page_info{sizeof(wisepay_page), page::kPageId, page::kMenu,
                                 page::kTitle,         doc.c_str(),   doc.size()};
    const int registered = static_cast<int>(host.register_page(host.host_data, &page_info));
    if (registered == WISEPAY_OK)
        return;
    const bool known = registered > WISEPAY_OK && registered <= WISEPAY_E_INTERNAL;
    throw Error(known ? static_cast<wisepay_status>(registered) : WISEPAY_E_INVALID_ARGUMENT,
                "page_registration_refused",
                "The host refused to register the Wise-Pay page (register_page returned " +
                    std::to_string(registered) + ").");
}

wisepay_status api_create(const wisepay_host *host, const char *config_json, std::size_t config_len,
                          wisepay_instance **out_instance, wisepay_error **out_error) {
    const auto started = std::chrono::steady_clock::now();
    if (out_instance != nullptr) {
        *out_instance = nullptr;
    }
    const wisepay_status status = guarded(nullptr, Stats::Call::kCreate, out_error, [&] {
        require(out_instance != nullptr, "invalid_argument", "out_instance must not be NULL.");
        require(struct_fits(host, WISEPAY_SIZE_THROUGH(wisepay_host, register_page)),
                "invalid_host", "The host table is NULL or its struct_size is too small.");
        require(config_json != nullptr, "invalid_config", "The config must not be NULL.");
        const Logger log(host->host_data, host->log);
        HostKeys host_keys;
        if (host->struct_size >= WISEPAY_SIZE_THROUGH(wisepay_host, get_master_key)) {
            host_keys = HostKeys{host->host_data, host->get_master_key};
        }
        auto instance = std::make_unique<wisepay_instance>(
            log, host_keys, std::string_view(config_json, config_len));
        register_page(*host);
        *out_instance = instance.release();
    });
    // A create is counted by the instance it made: a failed one has none.
    if (status == WISEPAY_OK) {
        (*out_instance)
            ->plugin.stats()
            .record(Stats::Call::kCreate, status, std::chrono::steady_clock::now() - started);
    }
    return status;
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
        require(struct_fits(request, WISEPAY_SIZE_THROUGH(wisepay_save_request, settings_json_len)),
                "invalid_request", "The save request is NULL or its struct_size is too small.");
        require(request->settings_json != nullptr, "invalid_request",
                "The settings JSON must not be NULL.");
        SaveCommand command{check_tenant_id(request->tenant_id), check_actor(request->actor),
                            request->expected_version,
                            std::string_view(request->settings_json, request->settings_json_len)};
        const SaveResult saved = instance->plugin.settings().save(command);
        if (out_json != nullptr) {
            *out_json = copy_string(SettingsService::to_public_json(*saved.record, saved.warnings));
        }
    });
}

wisepay_status api_test_connection(wisepay_instance *instance, const wisepay_test_request *request,
                                   char **out_json, wisepay_error **out_error) {
    if (out_json != nullptr)
        *out_json = nullptr;
    return guarded(instance, Stats::Call::kTestConnection, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(struct_fits(request, WISEPAY_SIZE_THROUGH(wisepay_test_request, deadline_ms)),
                "invalid_request", "The test request is NULL or its struct_size is too small.");
        require(out_json != nullptr, "invalid_argument", "out_json must not be NULL.");
        const std::string tenant = check_tenant_id(request->tenant_id);
        std::optional<std::string_view> typed_key;
        if (request->api_key != nullptr) {
            typed_key = std::string_view(request->api_key, request->api_key_len);
        }
        Plugin &plugin = instance->plugin;
        const Merchant merchant =
            test_connection(plugin.settings(), plugin.wisepay(), tenant, typed_key,
                            deadline_in(request->deadline_ms, plugin.config().deadline));
        *out_json = copy_string(boost::json::serialize(boost::json::object{
            {"ok", true}, {"merchant_id", merchant.id}, {"merchant_name", merchant.name}}));
    });
}

wisepay_status api_open_invoice(wisepay_instance *instance, const wisepay_invoice_request *request,
                                wisepay_redirect **out_redirect, wisepay_error **out_error) {
    if (out_redirect != nullptr)
        *out_redirect = nullptr;
    return guarded(instance, Stats::Call::kOpenInvoice, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(struct_fits(request, WISEPAY_SIZE_THROUGH(wisepay_invoice_request, deadline_ms)),
                "invalid_request", "The invoice request is NULL or its struct_size is too small.");
        require(out_redirect != nullptr, "invalid_argument", "out_redirect must not be NULL.");
        // The session's copy of the URL is wiped when it goes.
        const SsoSession session = instance->plugin.invoice_links().open(check_click(*request));
        *out_redirect = make_redirect(session, new_correlation_id());
    });
}

wisepay_status api_get_stats(wisepay_instance *instance, char **out_json,
                             wisepay_error **out_error) {
    if (out_json != nullptr)
        *out_json = nullptr;
    return guarded(instance, Stats::Call::kGetStats, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(out_json != nullptr, "invalid_argument", "out_json must not be NULL.");
        *out_json = copy_string(instance->plugin.stats().to_json());
    });
}

const void *api_get_extension(const char *extension_id) {
    return find_extension(extension_id);
}

void api_free_string(char *string) {
    std::free(string);
}
void api_free_error(wisepay_error *error) {
    std::free(error);
}
void api_free_redirect(wisepay_redirect *redirect) {
    free_redirect(redirect);
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
