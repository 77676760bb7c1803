/*
 * secret_host.c - the host of the core-dump test: a C program that knows
 * only abi/wisepay_plugin.h, loads the plugin with dlopen and uses it the way
 * a portal does, so that the test can dump its memory afterwards and look
 * for the API key and the sign-in URLs.
 *
 *   secret_host <plugin.so> <database> <Wise-Pay base URL> <CA file> <clicks>
 *
 * Reads two lines from stdin with read(2), so that no stdio buffer keeps a
 * copy: the API key, and a canary. Then:
 *   - saves the key with Enabled for tenant "acme";
 *   - makes <clicks> invoice clicks on the main thread, alternately for a
 *     payer Wise-Pay does not know and for one it knows
 *     ("pat@customer.example");
 *   - tests the connection with the saved key, and with the key typed again;
 *   - makes <clicks> clicks on each of two more threads, in the same way;
 *   - frees everything the plugin returned, and wipes its own copies of the
 *     key (explicit_bzero);
 *   - copies the canary into a heap block and frees it without wiping, so
 *     that the test can check freed memory shows in the dump;
 *   - prints "done ok=<n> payer_not_found=<n> server_error=<n> other=<n>
 *     tests=<n>" and "ready", and waits, with the instance alive as in a
 *     running portal, until stdin reaches end of file;
 *   - destroys the instance and exits 0 (1 when a call failed unexpectedly,
 *     2 for a usage or loading problem).
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/wisepay_plugin.h"
#include "tests/coredump/stdin_line.h"

#define KNOWN_PAYER "pat@customer.example"
#define UNKNOWN_PAYER "nobody@customer.example"
#define TENANT "acme"

static const wisepay_plugin_api *api;
static wisepay_instance *instance;
static const char *base_url;
static long clicks;

typedef struct {
    long ok, payer_not_found, server_error, other;
} tally;

static void on_log(void *host_data, wisepay_log_level level, const char *message) {
    (void)host_data;
    fprintf(stderr, "secret_host: plugin log (%d): %s\n", (int)level, message);
}

/* Appends `text` at `*at` in `buffer` of `size` bytes; 0 when it does not fit. */
static int append(char *buffer, size_t size, size_t *at, const char *text) {
    const size_t length = strlen(text);
    if (*at + length + 1 > size)
        return 0;
    memcpy(buffer + *at, text, length + 1);
    *at += length;
    return 1;
}

static void click(long n, tally *counts) {
    char invoice_id[32];
    snprintf(invoice_id, sizeof invoice_id, "inv_%ld", n);
    wisepay_invoice_request request;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.tenant_id = TENANT;
    /* An even number of clicks ends with a sign-in: its answer is the last
     * thing each pooled connection read. */
    request.user_email = n % 2 == 1 ? KNOWN_PAYER : UNKNOWN_PAYER;
    request.invoice_id = invoice_id;
    request.invoice_number = "INV-1";
    request.return_url = "https://portal.example/invoices";
    wisepay_redirect *redirect = NULL;
    wisepay_error *error = NULL;
    const wisepay_status status = api->open_invoice(instance, &request, &redirect, &error);
    if (status == WISEPAY_OK) {
        /* Looked at in place, never copied: the URL is a credential. */
        if (strncmp(redirect->url, base_url, strlen(base_url)) == 0 &&
            strstr(redirect->url, "token=") != NULL) {
            ++counts->ok;
        } else {
            ++counts->other;
        }
        api->free_redirect(redirect);
    } else if (error != NULL && strcmp(error->code, "payer_not_found") == 0) {
        ++counts->payer_not_found;
    } else if (error != NULL && strcmp(error->code, "wisepay_server_error") == 0) {
        ++counts->server_error;
    } else {
        fprintf(stderr, "secret_host: click %ld: %s\n", n, error ? error->code : "(no error)");
        ++counts->other;
    }
    if (error != NULL)
        api->free_error(error);
}

static void *click_thread(void *arg) {
    tally *counts = arg;
    for (long i = 0; i < clicks; ++i)
        click(i, counts);
    return NULL;
}

static int test_connection(const char *key) {
    wisepay_test_request request;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.tenant_id = TENANT;
    request.api_key = key;
    request.api_key_len = key != NULL ? strlen(key) : 0;
    char *json = NULL;
    wisepay_error *error = NULL;
    const wisepay_status status = api->test_connection(instance, &request, &json, &error);
    if (status != WISEPAY_OK) {
        fprintf(stderr, "secret_host: test connection: %s\n", error ? error->code : "(no error)");
        api->free_error(error);
        return 0;
    }
    api->free_string(json);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr,
                "usage: secret_host <plugin.so> <database> <base URL> <CA file> <clicks>\n");
        return 2;
    }
    for (int i = 2; i <= 4; ++i) {
        if (strpbrk(argv[i], "\"\\") != NULL) {
            fprintf(stderr, "secret_host: no quotes or backslashes in paths and URLs\n");
            return 2;
        }
    }
    base_url = argv[3];
    clicks = atol(argv[5]);

    char key[512];
    char canary[128];
    if (read_stdin_line(key, sizeof key) != 0 || read_stdin_line(canary, sizeof canary) != 0) {
        fprintf(stderr, "secret_host: expected the key and the canary on stdin\n");
        return 2;
    }

    void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (so == NULL) {
        fprintf(stderr, "secret_host: %s\n", dlerror());
        return 2;
    }
    void *symbol = dlsym(so, WISEPAY_PLUGIN_ENTRY_SYMBOL);
    wisepay_plugin_entry_fn entry;
    memcpy(&entry, &symbol, sizeof entry);
    api = entry ? entry(WISEPAY_ABI_VERSION) : NULL;
    if (api == NULL) {
        fprintf(stderr, "secret_host: the plugin refused ABI version 1\n");
        return 2;
    }

    char config[4096];
    snprintf(config, sizeof config,
             "{\"database_path\":\"%s\","
             "\"master_key\":{\"source\":\"hex\",\"value\":\"%064d\"},"
             "\"wisepay_base_url\":\"%s\",\"ca_file\":\"%s\"}",
             argv[2], 7, argv[3], argv[4]);
    wisepay_host host;
    memset(&host, 0, sizeof host);
    host.struct_size = sizeof host;
    host.log = on_log;
    wisepay_error *error = NULL;
    if (api->create(&host, config, strlen(config), &instance, &error) != WISEPAY_OK) {
        fprintf(stderr, "secret_host: create: %s\n", error ? error->message : "(no error)");
        return 2;
    }

    /* The settings a save sends, built without printf: its buffers are not ours to wipe. */
    char settings[1024];
    size_t at = 0;
    if (!append(settings, sizeof settings, &at, "{\"api_key\":\"") ||
        !append(settings, sizeof settings, &at, key) ||
        !append(settings, sizeof settings, &at, "\",\"enabled\":true}")) {
        fprintf(stderr, "secret_host: the key is too long\n");
        return 2;
    }
    wisepay_save_request save;
    memset(&save, 0, sizeof save);
    save.struct_size = sizeof save;
    save.tenant_id = TENANT;
    save.actor = "coredump@example.com";
    save.expected_version = 0;
    save.settings_json = settings;
    save.settings_json_len = at;
    char *saved = NULL;
    if (api->save_settings(instance, &save, &saved, &error) != WISEPAY_OK) {
        fprintf(stderr, "secret_host: save: %s\n", error ? error->message : "(no error)");
        return 1;
    }
    api->free_string(saved);
    explicit_bzero(settings, sizeof settings);

    tally counts[3];
    memset(counts, 0, sizeof counts);
    click_thread(&counts[0]);
    /* Before the other threads' clicks, so that the connections they leave in
     * the pool have a sign-in answer as the last thing they read. */
    int tests = test_connection(NULL);
    tests += test_connection(key);
    pthread_t threads[2];
    for (int t = 0; t < 2; ++t) {
        if (pthread_create(&threads[t], NULL, click_thread, &counts[t + 1]) != 0) {
            fprintf(stderr, "secret_host: cannot start a thread\n");
            return 2;
        }
    }
    for (int t = 0; t < 2; ++t)
        pthread_join(threads[t], NULL);
    explicit_bzero(key, sizeof key);

    char *freed = calloc(1, 256);
    if (freed == NULL)
        return 2;
    /* Past the start of the block, where the allocator keeps its own links;
     * through a volatile pointer, or the compiler drops stores to memory that
     * is freed right after. */
    volatile char *canary_copy = freed + 64;
    for (size_t i = 0; canary[i] != '\0'; ++i)
        canary_copy[i] = canary[i];
    explicit_bzero(canary, sizeof canary);
    free(freed);

    tally total = {0, 0, 0, 0};
    for (int t = 0; t < 3; ++t) {
        total.ok += counts[t].ok;
        total.payer_not_found += counts[t].payer_not_found;
        total.server_error += counts[t].server_error;
        total.other += counts[t].other;
    }
    printf("done ok=%ld payer_not_found=%ld server_error=%ld other=%ld tests=%d\nready\n", total.ok,
           total.payer_not_found, total.server_error, total.other, tests);
    fflush(stdout);

    char ignored[64];
    while (read(STDIN_FILENO, ignored, sizeof ignored) > 0) {
    }
    api->destroy(instance);
    return total.other == 0 && tests == 2 ? 0 : 1;
}
