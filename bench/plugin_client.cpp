// The plugin reached as a host reaches it (plugin_client.h): the built
// library loaded with dlopen, its entry symbol, then the C ABI's calls. A
// call that fails ends the benchmark with the plugin's error code and
// message.
#include "bench/plugin_client.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tests/support/plugin_config.h"

namespace wisepay::bench {
namespace {

constexpr const char *kTenant = "acme";

[[noreturn]] void die(const std::string &what, wisepay_error *error) {
    std::fprintf(stderr, "bench: plugin %s failed: %s%s%s\n", what.c_str(),
                 error ? error->code : "(no detail)", error ? ": " : "",
                 error ? error->message : "");
    std::exit(1);
}

std::int64_t version_in(const char *settings_json) {
    const char *at = std::strstr(settings_json, "\"version\":");
    return at ? std::strtoll(at + 10, nullptr, 10) : 0;
}

}  // namespace

const wisepay_plugin_api &plugin_api() {
    static const wisepay_plugin_api *api = [] {
        void *so = ::dlopen(WISEPAY_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
        if (so == nullptr)
            die(std::string("dlopen: ") + ::dlerror(), nullptr);
        auto entry =
            reinterpret_cast<wisepay_plugin_entry_fn>(::dlsym(so, WISEPAY_PLUGIN_ENTRY_SYMBOL));
        const wisepay_plugin_api *table = entry ? entry(WISEPAY_ABI_VERSION) : nullptr;
        if (table == nullptr)
            die("entry (ABI version 1 refused)", nullptr);
        return table;
    }();
    return *api;
}

std::string plugin_config(const Target &target, const PluginDatabase &database) {
    return test::plugin_config_json({database.sqlite_path, std::string(64, '6'), target.origin(),
                                     target.ca_file, database.postgres_url});
}

PluginClient::PluginClient(const std::string &config_json, std::string payer_email)
    : payer_email_(std::move(payer_email)) {
    wisepay_host host{};
    host.struct_size = sizeof host;
    wisepay_error *error = nullptr;
    if (plugin_api().create(&host, config_json.data(), config_json.size(), &instance_, &error) !=
        WISEPAY_OK) {
        die("create", error);
    }
}

PluginClient::~PluginClient() {
    plugin_api().destroy(instance_);
}

PluginClient::TenantState PluginClient::state_of(const std::string &tenant) {
    char *json = nullptr;
    wisepay_error *error = nullptr;
    if (plugin_api().get_settings(instance_, tenant.c_str(), &json, &error) != WISEPAY_OK)
        die("get_settings", error);
    const TenantState state{version_in(json), std::strstr(json, "\"enabled\":true") != nullptr};
    plugin_api().free_string(json);
    return state;
}

std::int64_t PluginClient::settings_version(const std::string &tenant) {
    return state_of(tenant).version;
}

std::int64_t PluginClient::enable_tenant(const std::string &tenant, const std::string &api_key) {
    const TenantState state = state_of(tenant);
    if (state.enabled)
        return state.version;  // and so with a key
    return save(tenant, "{\"api_key\":\"" + api_key + "\",\"enabled\":true}", state.version);
}

std::int64_t PluginClient::save(const std::string &tenant, const std::string &settings_json,
                                std::int64_t expected_version) {
    wisepay_save_request save{};
    save.struct_size = sizeof save;
    save.tenant_id = tenant.c_str();
    save.actor = "bench";
    save.expected_version = expected_version;
    save.settings_json = settings_json.data();
    save.settings_json_len = settings_json.size();
    char *json = nullptr;
    wisepay_error *error = nullptr;
    if (plugin_api().save_settings(instance_, &save, &json, &error) != WISEPAY_OK)
        die("save_settings", error);
    const std::int64_t version = version_in(json);
    plugin_api().free_string(json);
    return version;
}

void PluginClient::read_settings() {
    char *json = nullptr;
    wisepay_error *error = nullptr;
    if (plugin_api().get_settings(instance_, kTenant, &json, &error) != WISEPAY_OK)
        die("get_settings", error);
    plugin_api().free_string(json);
}

void PluginClient::click() {
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = kTenant;
    request.user_email = payer_email_.c_str();
    request.invoice_id = "inv_1";
    request.invoice_number = "INV-1";
    wisepay_redirect *redirect = nullptr;
    wisepay_error *error = nullptr;
    if (plugin_api().open_invoice(instance_, &request, &redirect, &error) != WISEPAY_OK)
        die("open_invoice", error);
    plugin_api().free_redirect(redirect);
}

}  // namespace wisepay::bench
