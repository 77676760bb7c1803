// Prints the page document of the built plugin, loaded with dlopen, so that
// the schema checks run against exactly what a host receives.
#include <dlfcn.h>

#include <cstdio>
#include <string>

#include "abi/wisepay_plugin.h"
#include "tests/support/plugin_config.h"

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s PLUGIN_SO DATABASE_PATH\n", argv[0]);
        return 2;
    }
    void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (so == nullptr) {
        std::fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    auto entry = reinterpret_cast<wisepay_plugin_entry_fn>(dlsym(so, WISEPAY_PLUGIN_ENTRY_SYMBOL));
    const wisepay_plugin_api *api = entry ? entry(WISEPAY_ABI_VERSION) : nullptr;
    if (api == nullptr) {
        std::fprintf(stderr, "plugin does not speak ABI version %u\n", WISEPAY_ABI_VERSION);
        return 2;
    }
    const std::string config = wisepay::test::plugin_config_json(
        {argv[2], std::string(64, '1'), "https://127.0.0.1:9", ""});
    wisepay_host host{};
    host.struct_size = sizeof host;
    wisepay_instance *instance = nullptr;
    wisepay_error *error = nullptr;
    char *page = nullptr;
    int rc = 1;
    if (api->create(&host, config.data(), config.size(), &instance, &error) == WISEPAY_OK &&
        api->get_page_schema(instance, &page, nullptr, &error) == WISEPAY_OK) {
        std::puts(page);
        rc = 0;
    } else if (error != nullptr) {
        std::fprintf(stderr, "%s: %s\n", error->code, error->message);
    }
    api->free_string(page);
    api->free_error(error);
    api->destroy(instance);
    dlclose(so);
    return rc;
}
