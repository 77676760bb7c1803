/*
 * plugin_loader.h - loads the plugin library in the example C host: dlopen,
 * the one entry symbol, and a check that the table it returns is complete.
 */
#ifndef WISEPAY_HOST_CLI_PLUGIN_LOADER_H
#define WISEPAY_HOST_CLI_PLUGIN_LOADER_H

#include "cli.h"

typedef struct plugin {
    void *handle;
    const wisepay_plugin_api *api;
} plugin;

/* Returns EXIT_OK with *pl filled in, or EXIT_USAGE after saying why on
 * stderr (nothing stays loaded then). The caller dlclose()s pl->handle. */
int load_plugin(const char *path, plugin *pl);

#endif /* WISEPAY_HOST_CLI_PLUGIN_LOADER_H */
