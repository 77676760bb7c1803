// Loading the built plugin the way a host does (dlopen, the entry symbol,
// ABI version 1), for test programs of every kind. Exits the process with a
// message when the plugin cannot be loaded: no test can go on without it.
#pragma once

#include <string>

#include "abi/wisepay_plugin.h"

namespace wisepay::test {

struct LoadedPlugin {
    void *handle = nullptr;
    wisepay_plugin_entry_fn entry = nullptr;
    const wisepay_plugin_api *api = nullptr;
};

// Loads the library at `path` once per process (later calls return the
// first load) and asks it for ABI version 1.
const LoadedPlugin &load_plugin(const char *path);

// "status 5 storage_failure: <message>" for a failed call; frees `error`.
std::string describe_failure(const wisepay_plugin_api &api, wisepay_status status,
                             wisepay_error *error);

}  // namespace wisepay::test
