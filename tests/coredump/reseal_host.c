/*
 * reseal_host.c - the host of the core-dump test's re-seal round: a C program
 * that knows only abi/wisepay_plugin.h, rotates the master key the way an
 * operator's tool does, and then waits so that the test can dump its memory
 * and look for the API key and both master keys.
 *
 *   reseal_host <plugin.so> <database> <Wise-Pay base URL> <CA file>
 *
 * Reads three lines from stdin with read(2), so that no stdio buffer keeps a
 * copy: the API key, the old master key and the new one (64 hex digits
 * each). Then:
 *   - with an instance whose only master key is the old one, saves the key
 *     with Enabled for tenant "acme" and clicks an invoice; destroys it;
 *   - with an instance whose ring is {old, new (current)}, re-seals every key
 *     through the maintenance extension and clicks again (the key now opens
 *     under the new master key); destroys it;
 *   - wipes its own copies (explicit_bzero), prints "done resealed=<n>
 *     clicks=<ok clicks>" and "ready", and waits until stdin reaches end of
 *     file, with no instance alive: nothing may hold a key any more;
 *   - exits 0 (1 when a call failed, 2 for a usage or loading problem).
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/wisepay_plugin.h"
#include "tests/coredump/stdin_line.h"

static const wisepay_plugin_api *api;

static int fail(const char *what, wisepay_error *error) {
    fprintf(stderr, "reseal_host: %s: %s\n", what, error ? error->message : "(no detail)");
    if (error != NULL)
        api->free_error(error);
    return 1;
}

/* An instance on `database` whose master keys are `ring` (the JSON list). */
static wisepay_instance *create(char **argv, const char *ring) {
    char config[4096];
    const int n = snprintf(config, sizeof config,
                           "{\"database_path\":\"%s\",\"master_keys\":%s,"
                           "\"wisepay_base_url\":\"%s\",\"ca_file\":\"%s\"}",
                           argv[2], ring, argv[3], argv[4]);
    wisepay_host host = WISEPAY_HOST_INIT;
    wisepay_instance *instance = NULL;
    wisepay_error *error = NULL;
    const wisepay_status status = n > 0 && (size_t)n < sizeof config
                                      ? api->create(&host, config, (size_t)n, &instance, &error)
                                      : WISEPAY_E_INVALID_ARGUMENT;
    explicit_bzero(config, sizeof config); /* it holds master keys */
    if (status != WISEPAY_OK) {
        fail("create", error);
        return NULL;
    }
    return instance;
}

static int click(wisepay_instance *instance) {
    wisepay_invoice_request request = WISEPAY_INVOICE_REQUEST_INIT;
    request.tenant_id = "acme";
    request.user_email = "pat@customer.example";
    request.invoice_id = "inv_1";
    wisepay_redirect *redirect = NULL;
    wisepay_error *error = NULL;
    if (api->open_invoice(instance, &request, &redirect, &error) != WISEPAY_OK)
        return fail("click", error);
    api->free_redirect(redirect);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: reseal_host <plugin.so> <database> <base URL> <CA file>\n");
        return 2;
    }
    for (int i = 2; i <= 4; ++i) {
        if (strpbrk(argv[i], "\"\\") != NULL) {
            fprintf(stderr, "reseal_host: no quotes or backslashes in paths and URLs\n");
            return 2;
        }
    }
    char key[512], old_key[80], new_key[80];
    if (read_stdin_line(key, sizeof key) != 0 || read_stdin_line(old_key, sizeof old_key) != 0 ||
        read_stdin_line(new_key, sizeof new_key) != 0) {
        fprintf(stderr, "reseal_host: expected the API key and two master keys on stdin\n");
        return 2;
    }
    void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    void *symbol = so != NULL ? dlsym(so, WISEPAY_PLUGIN_ENTRY_SYMBOL) : NULL;
    wisepay_plugin_entry_fn entry = NULL;
    memcpy(&entry, &symbol, sizeof entry);
    api = entry != NULL ? entry(WISEPAY_ABI_VERSION) : NULL;
    const wisepay_maintenance_api *maintenance =
        api != NULL ? api->get_extension(WISEPAY_EXT_MAINTENANCE) : NULL;
    if (maintenance == NULL) {
        fprintf(stderr, "reseal_host: cannot load the plugin or its maintenance extension\n");
        return 2;
    }

    char ring[512];
    snprintf(ring, sizeof ring, "[{\"source\":\"hex\",\"value\":\"%s\"}]", old_key);
    wisepay_instance *instance = create(argv, ring);
    if (instance == NULL)
        return 1;
    char settings[1024];
    snprintf(settings, sizeof settings, "{\"api_key\":\"%s\",\"enabled\":true}", key);
    wisepay_save_request save = WISEPAY_SAVE_REQUEST_INIT;
    save.tenant_id = "acme";
    save.actor = "coredump@example.com";
    save.settings_json = settings;
    save.settings_json_len = strlen(settings);
    char *saved = NULL;
    wisepay_error *error = NULL;
    if (api->save_settings(instance, &save, &saved, &error) != WISEPAY_OK)
        return fail("save", error);
    api->free_string(saved);
    explicit_bzero(settings, sizeof settings);
    int clicks = click(instance) == 0;
    api->destroy(instance);

    snprintf(ring, sizeof ring,
             "[{\"source\":\"hex\",\"value\":\"%s\"},"
             "{\"source\":\"hex\",\"value\":\"%s\",\"current\":true}]",
             old_key, new_key);
    instance = create(argv, ring);
    explicit_bzero(ring, sizeof ring);
    if (instance == NULL)
        return 1;
    wisepay_reseal_request reseal = WISEPAY_RESEAL_REQUEST_INIT;
    reseal.actor = "ops@portal.example";
    wisepay_reseal_report *report = NULL;
    if (maintenance->reseal_keys(instance, &reseal, &report, &error) != WISEPAY_OK)
        return fail("reseal", error);
    const unsigned long long resealed = (unsigned long long)report->resealed;
    maintenance->free_reseal_report(report);
    clicks += click(instance) == 0;
    api->destroy(instance);

    explicit_bzero(key, sizeof key);
    explicit_bzero(old_key, sizeof old_key);
    explicit_bzero(new_key, sizeof new_key);
    printf("done resealed=%llu clicks=%d\nready\n", resealed, clicks);
    fflush(stdout);
    char rest;
    while (read(STDIN_FILENO, &rest, 1) == 1) {
    }
    return 0;
}
