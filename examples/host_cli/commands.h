/*
 * commands.h - the commands of the example C host, each one call (or two)
 * through the plugin's table, and the one way they all report a failed call.
 */
#ifndef WISEPAY_HOST_CLI_COMMANDS_H
#define WISEPAY_HOST_CLI_COMMANDS_H

#include "cli.h"
#include "host_table.h"
#include "options.h"
#include "secrets.h"

/* Each returns an exit code (cli.h) and prints what it got: JSON as the
 * plugin returned it, the form, or the redirect. */
int cmd_schema(const wisepay_plugin_api *api, wisepay_instance *inst);
int cmd_form(const wisepay_plugin_api *api, wisepay_instance *inst, const host_state *h,
             const char *tenant);
int cmd_show(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o);
int cmd_save(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o,
             const secret *key);
int cmd_test_connection(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o,
                        const secret *key);
int cmd_click(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o);

/* Prints a failed call's error on stderr (code, message, field errors,
 * correlation id, help link), releases it, and returns EXIT_PLUGIN_ERROR. */
int report_error(const wisepay_plugin_api *api, wisepay_status status, wisepay_error *err);

#endif /* WISEPAY_HOST_CLI_COMMANDS_H */
