/*
 * plugin_loader.c - dlopen, the entry symbol and the table checks of the
 * example C host.
 */
#include "plugin_loader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int load_plugin(const char *path, plugin *pl) {
    dlerror(); /* clear any stale error */
    pl->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (pl->handle == NULL) {
        const char *why = dlerror();
        fprintf(stderr, "error: cannot load plugin %s: %s\n", path, why ? why : "unknown error");
        return EXIT_USAGE;
    }
    dlerror();
    void *sym = dlsym(pl->handle, WISEPAY_PLUGIN_ENTRY_SYMBOL);
    if (sym == NULL) {
        const char *why = dlerror();
        fprintf(stderr, "error: cannot find %s in %s: %s\n", WISEPAY_PLUGIN_ENTRY_SYMBOL, path,
                why ? why : "symbol is NULL");
        dlclose(pl->handle);
        return EXIT_USAGE;
    }
    /* ISO C has no cast from object to function pointer; POSIX guarantees
     * the representations match, so copy the bits. */
    wisepay_plugin_entry_fn entry;
    _Static_assert(sizeof entry == sizeof sym, "function and object pointers differ in size");
    memcpy(&entry, &sym, sizeof entry);

    const wisepay_plugin_api *api = entry(WISEPAY_ABI_VERSION);
    if (api == NULL) {
        fprintf(stderr, "error: %s: plugin does not support ABI version %u\n", path,
                (unsigned)WISEPAY_ABI_VERSION);
        dlclose(pl->handle);
        return EXIT_USAGE;
    }
    /* A table for this ABI is at least as long as the one this host knows,
     * and everything in it is callable. */
    if (api->struct_size < sizeof *api || api->abi_version != WISEPAY_ABI_VERSION || !api->create ||
        !api->destroy || !api->get_page_schema || !api->get_settings || !api->save_settings ||
        !api->test_connection || !api->open_invoice || !api->free_string || !api->free_error ||
        !api->free_redirect) {
        fprintf(stderr,
                "error: %s: plugin returned an incomplete table for ABI version %u "
                "(abi_version %u, %u bytes)\n",
                path, (unsigned)WISEPAY_ABI_VERSION, (unsigned)api->abi_version,
                (unsigned)api->struct_size);
        dlclose(pl->handle);
        return EXIT_USAGE;
    }
    pl->api = api;
    return EXIT_OK;
}
