/*
 * main.c - wisepay_host_cli, a command-line host for the Wise-Pay plugin.
 *
 * It does what an admin console does, in the way a real host does it: it
 * sees only abi/wisepay_plugin.h, loads the library with dlopen, reaches
 * everything through the one entry symbol's table, renders the settings page
 * from the document the plugin registers (so a field added to the plugin's
 * schema shows up without touching the host), and releases every object the
 * plugin hands out with the table's own free functions.
 *
 * This file is the order of things: read the command line, take the key off
 * it, read the config, load the plugin, create an instance, run the
 * command, and wipe and release everything on the way out. Exit codes are
 * in cli.h.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "host_table.h"
#include "maintenance.h"
#include "options.h"
#include "plugin_loader.h"
#include "secrets.h"

int main(int argc, char **argv) {
    options o;
    int rc = parse_args(argc, argv, &o);
    if (rc != EXIT_OK) {
        return rc;
    }
    if (o.help) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }

    /* The key is taken off the command line before anything else runs. */
    static secret key; /* static: 4 KiB is more than a stack frame needs */
    if (o.api_key != NULL) {
        rc = take_key_from_argv(o.api_key, &key);
        if (rc != EXIT_OK) {
            return rc;
        }
    }

    char *config_buf = NULL;
    const char *config = o.config_json;
    size_t config_len = config != NULL ? strlen(config) : 0;
    if (o.config_file != NULL) {
        rc = read_config_file(o.config_file, &config_buf, &config_len);
        if (rc != EXIT_OK) {
            wipe(&key, sizeof key);
            return rc;
        }
        config = config_buf;
    }

    const char *path = o.plugin_path;
    if (path == NULL) {
        const char *env = getenv("WISEPAY_PLUGIN");
        path = (env != NULL && env[0] != '\0') ? env : WISEPAY_DEFAULT_PLUGIN_PATH;
    }
    plugin pl = {NULL, NULL};
    rc = load_plugin(path, &pl);
    if (rc != EXIT_OK) {
        if (config_buf != NULL) {
            wipe(config_buf, config_len);
            free(config_buf);
        }
        wipe(&key, sizeof key);
        return rc;
    }
    const wisepay_plugin_api *api = pl.api;

    host_state hs;
    memset(&hs, 0, sizeof hs);
    wisepay_host host;
    memset(&host, 0, sizeof host);
    host.struct_size = sizeof host;
    host.host_data = &hs;
    host.log = on_log;
    host.register_page = on_register_page;

    wisepay_instance *inst = NULL;
    wisepay_error *err = NULL;
    wisepay_status st = api->create(&host, config, config_len, &inst, &err);
    /* The plugin keeps no pointer to the config; the master key may be in it. */
    if (config_buf != NULL) {
        wipe(config_buf, config_len);
        free(config_buf);
    }
    if (st != WISEPAY_OK) {
        rc = report_error(api, st, err);
    } else {
        /* Prompt for the key only now, so a bad config or plugin does not
         * make the admin type it for nothing. */
        if (o.api_key_stdin) {
            rc = read_key_from_stdin(&key);
        }
        if (rc == EXIT_OK) {
            switch (o.cmd) {
                case CMD_SCHEMA:
                    rc = cmd_schema(api, inst);
                    break;
                case CMD_FORM:
                    rc = cmd_form(api, inst, &hs, o.tenant);
                    break;
                case CMD_SHOW:
                    rc = cmd_show(api, inst, &o);
                    break;
                case CMD_SAVE:
                    rc = cmd_save(api, inst, &o, &key);
                    break;
                case CMD_TEST_CONNECTION:
                    rc = cmd_test_connection(api, inst, &o, &key);
                    break;
                case CMD_CLICK:
                    rc = cmd_click(api, inst, &o);
                    break;
                case CMD_COPY_FROM_SQLITE:
                    rc = cmd_copy_from_sqlite(api, inst, &o);
                    break;
                case CMD_RESEAL_KEYS:
                    rc = cmd_reseal_keys(api, inst, &o);
                    break;
                case CMD_NONE:
                case CMD_COUNT:
                    break;
            }
        }
        wipe(&key, sizeof key);
        api->destroy(inst);
    }
    wipe(&key, sizeof key);
    host_state_free(&hs);
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        rc = EXIT_PLUGIN_ERROR; /* output was lost: do not claim success */
    }
    dlclose(pl.handle);
    return rc;
}
