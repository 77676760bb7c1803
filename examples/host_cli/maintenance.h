/*
 * maintenance.h - the operator's commands of the example C host, through the
 * plugin's "wisepay.maintenance/1" extension: moving a single-node SQLite
 * deployment to the configured database, and re-sealing API keys under the
 * current master key.
 */
#ifndef WISEPAY_HOST_CLI_MAINTENANCE_H
#define WISEPAY_HOST_CLI_MAINTENANCE_H

#include "cli.h"
#include "options.h"

/* Each prints what it did and how long it took, and returns an exit code
 * (cli.h); a plugin without the extension is a plugin error. */
int cmd_copy_from_sqlite(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o);
int cmd_reseal_keys(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o);

#endif /* WISEPAY_HOST_CLI_MAINTENANCE_H */
