// The plugin as a host uses it: dlopen, the entry symbol, the C ABI.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/clients.h"
#include "tests/support/plugin_config.h"

namespace wisepay::bench {
namespace {

[[noreturn]] void die(const std::string &what, wisepay_error *error) {
    std::fprintf(stderr, "bench: %s: %s\n", what.c_str(), error ? error->message : "(no detail)");
    std::exit(1);
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
            die("the plugin refused ABI version 1", nullptr);
        return table;
    }();
    return *api;
}

PluginClient::PluginClient(const Target &target, const std::string &database_path)
    : target_(target) {
    const std::string config = test::plugin_config_json(
        {database_path, std::string(64, '6'), target.base_url, target.ca_file});
    wisepay_host host{};
    host.struct_size = sizeof host;
    wisepay_error *error = nullptr;
    if (plugin_api().create(&host, config.data(), config.size(), &instance_, &error) != WISEPAY_OK)
        die("create", error);

    char *json = nullptr;
    if (plugin_api().get_settings(instance_, "acme", &json, &error) != WISEPAY_OK)
        die("get_settings", error);
    const bool saved = std::string(json).find("\"version\":0") == std::string::npos;
    plugin_api().free_string(json);
    if (!saved) {
        const std::string body = "{\"api_key\":\"" + target.api_key + "\",\"enabled\":true}";
        wisepay_save_request save{};
        save.struct_size = sizeof save;
        save.tenant_id = "acme";
        save.actor = "bench";
        save.settings_json = body.data();
        save.settings_json_len = body.size();
        if (plugin_api().save_settings(instance_, &save, nullptr, &error) != WISEPAY_OK)
            die("save_settings", error);
    }
}

PluginClient::~PluginClient() {
    plugin_api().destroy(instance_);
}

void PluginClient::click() {
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = "acme";
    request.user_email = target_.payer_email.c_str();
    request.invoice_id = "inv_1";
    request.invoice_number = "INV-1";
    wisepay_redirect *redirect = nullptr;
    wisepay_error *error = nullptr;
    if (plugin_api().open_invoice(instance_, &request, &redirect, &error) != WISEPAY_OK)
        die("open_invoice", error);
    plugin_api().free_redirect(redirect);
}

}  // namespace wisepay::bench
