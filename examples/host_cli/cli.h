/*
 * cli.h - what every file of the example C host shares: the plugin's public
 * header, the exit codes and the check that a struct the plugin filled in
 * is long enough to read a field from.
 */
#ifndef WISEPAY_HOST_CLI_CLI_H
#define WISEPAY_HOST_CLI_CLI_H

#include <stddef.h>

/* In this tree the header is reached relative to this file, so the host
 * builds both with the project root on the include path (CMake) and with
 * `-I abi`. Built against an installed plugin (find_package(WisePayPlugin)
 * or `pkg-config --cflags wisepay-plugin`, as packaging/tests/ does), it is
 * the installed header, as any host outside this tree includes it. */
#ifdef WISEPAY_HOST_CLI_INSTALLED_HEADER
#include <wisepay/wisepay_plugin.h>
#else
#include "../../abi/wisepay_plugin.h"
#endif

#ifndef WISEPAY_DEFAULT_PLUGIN_PATH
#define WISEPAY_DEFAULT_PLUGIN_PATH "./libwisepay_plugin.so"
#endif

/* Exit codes: 0 success, 1 the plugin returned an error (or something this
 * host cannot use), 2 usage error or the plugin could not be loaded. */
enum { EXIT_OK = 0, EXIT_PLUGIN_ERROR = 1, EXIT_USAGE = 2 };

/* True when a struct the plugin filled in is long enough to hold `field`:
 * a struct_size-versioned struct is only read as far as its size says. */
#define HAS_FIELD(obj, type, field) \
    ((obj)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

#endif /* WISEPAY_HOST_CLI_CLI_H */
