// The library is opened with RTLD_NOW | RTLD_LOCAL, as the header's example
// host does; a plugin that cannot be loaded ends the process with status 2.
#include "tests/support/plugin_loader.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wisepay::test {
namespace {

[[noreturn]] void cannot_load(const std::string &why) {
    std::fprintf(stderr, "cannot load the plugin: %s\n", why.c_str());
    std::exit(2);
}

}  // namespace

const LoadedPlugin &load_plugin(const char *path) {
    static const LoadedPlugin plugin = [path] {
        LoadedPlugin loaded;
        loaded.handle = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (loaded.handle == nullptr)
            cannot_load(std::string("dlopen: ") + ::dlerror());
        void *symbol = ::dlsym(loaded.handle, WISEPAY_PLUGIN_ENTRY_SYMBOL);
        std::memcpy(&loaded.entry, &symbol, sizeof loaded.entry);
        if (loaded.entry == nullptr)
            cannot_load("no entry symbol");
        loaded.api = loaded.entry(WISEPAY_ABI_VERSION);
        if (loaded.api == nullptr)
            cannot_load("the plugin refused ABI version 1");
        return loaded;
    }();
    return plugin;
}

std::string describe_failure(const wisepay_plugin_api &api, wisepay_status status,
                             wisepay_error *error) {
    std::string text = "status " + std::to_string(status);
    if (error != nullptr) {
        text += std::string(" ") + error->code + ": " + error->message;
        api.free_error(error);
    }
    return text;
}

}  // namespace wisepay::test
