/*
 * save_loop.c - the victim of the crash test: a C host that loads the
 * plugin and saves settings for tenant "acme" as fast as it can until it is
 * killed.
 *
 *   save_loop <plugin.so> <database> <first version> <Wise-Pay base URL> <CA file>
 *
 * Save n (n = first version, first version + 1, ...) stores the API key
 * "crash-key-<n as 8 digits>", Enabled = n is odd, actor "crash-<n>", and
 * expects the stored version n - 1. Once the plugin acknowledges save n,
 * "n\n" is appended to the file named by WISEPAY_ACK_FILE with one write(),
 * so the test knows the last acknowledged save even after a SIGKILL. Each
 * save carries a new key, which the plugin checks with the Wise-Pay at the
 * base URL (the test's fake, which knows every key save_loop will use).
 * Any refusal ends the loop with exit status 1 and a line on stderr.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/wisepay_plugin.h"

static int fail(const char *what, wisepay_error *error) {
    fprintf(stderr, "save_loop: %s: %s\n", what, error ? error->message : "(no detail)");
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr,
                "usage: save_loop <plugin.so> <database> <first version> "
                "<Wise-Pay base URL> <CA file>\n");
        return 2;
    }
    const char *ack_path = getenv("WISEPAY_ACK_FILE");
    if (ack_path == NULL) {
        fprintf(stderr, "save_loop: WISEPAY_ACK_FILE is not set\n");
        return 2;
    }
    int ack = open(ack_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (ack < 0) {
        perror("save_loop: ack file");
        return 2;
    }

    void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (so == NULL) {
        fprintf(stderr, "save_loop: %s\n", dlerror());
        return 2;
    }
    void *symbol = dlsym(so, WISEPAY_PLUGIN_ENTRY_SYMBOL);
    wisepay_plugin_entry_fn entry;
    memcpy(&entry, &symbol, sizeof entry);
    const wisepay_plugin_api *api = entry ? entry(WISEPAY_ABI_VERSION) : NULL;
    if (api == NULL) {
        fprintf(stderr, "save_loop: the plugin refused ABI version 1\n");
        return 2;
    }

    char config[4096];
    snprintf(config, sizeof config,
             "{\"database_path\":\"%s\","
             "\"master_key\":{\"source\":\"hex\",\"value\":\"%064d\"},"
             "\"wisepay_base_url\":\"%s\",\"ca_file\":\"%s\"}",
             argv[2], 5, argv[4], argv[5]);
    wisepay_host host;
    memset(&host, 0, sizeof host);
    host.struct_size = sizeof host;
    wisepay_instance *instance = NULL;
    wisepay_error *error = NULL;
    if (api->create(&host, config, strlen(config), &instance, &error) != WISEPAY_OK) {
        return fail("create", error);
    }

    for (long long n = atoll(argv[3]);; ++n) {
        char settings[128];
        char actor[64];
        snprintf(settings, sizeof settings, "{\"api_key\":\"crash-key-%08lld\",\"enabled\":%s}", n,
                 n % 2 ? "true" : "false");
        snprintf(actor, sizeof actor, "crash-%lld", n);
        wisepay_save_request save;
        memset(&save, 0, sizeof save);
        save.struct_size = sizeof save;
        save.tenant_id = "acme";
        save.actor = actor;
        save.expected_version = n - 1;
        save.settings_json = settings;
        save.settings_json_len = strlen(settings);
        char *answer = NULL;
        if (api->save_settings(instance, &save, &answer, &error) != WISEPAY_OK) {
            return fail("save", error);
        }
        api->free_string(answer);
        char line[32];
        int length = snprintf(line, sizeof line, "%lld\n", n);
        if (write(ack, line, (size_t)length) != length) {
            perror("save_loop: ack");
            return 2;
        }
    }
}
