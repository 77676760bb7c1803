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
 * Exit codes: 0 success, 1 the plugin returned an error (or something this
 * host cannot use), 2 usage error or the plugin could not be loaded.
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Relative to this file, so it builds both with the project root on the
 * include path (CMake) and with `-I abi`; a host outside this tree would
 * write <wisepay_plugin.h>. */
#include "../../abi/wisepay_plugin.h"
#include "json_view.h"

#ifndef WISEPAY_DEFAULT_PLUGIN_PATH
#define WISEPAY_DEFAULT_PLUGIN_PATH "./libwisepay_plugin.so"
#endif

enum { EXIT_OK = 0, EXIT_PLUGIN_ERROR = 1, EXIT_USAGE = 2 };

/* Largest API key this host holds (the plugin's own limit is far lower and
 * it reports that one); largest config file it reads. */
#define KEY_BUFFER_SIZE 4096
#define CONFIG_MAX_BYTES (1024u * 1024u)

/* Help text wraps at this column in the form. */
#define FORM_WIDTH 78

/* True when a struct the plugin filled in is long enough to hold `field`:
 * a struct_size-versioned struct is only read as far as its size says. */
#define HAS_FIELD(obj, type, field) \
    ((obj)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* Overwrites memory that held a secret. The volatile accesses keep the
 * compiler from dropping the stores as dead (explicit_bzero is not in C11
 * or POSIX). */
static void wipe(void *p, size_t n) {
    volatile unsigned char *v = p;
    while (n-- > 0) {
        *v++ = 0;
    }
}

/* ======================================================================== */
/* Command line                                                             */
/* ======================================================================== */

typedef enum command {
    CMD_NONE = -1,
    CMD_SCHEMA,
    CMD_FORM,
    CMD_SHOW,
    CMD_SAVE,
    CMD_TEST_CONNECTION,
    CMD_CLICK,
    CMD_COUNT
} command;

static const char *const command_names[CMD_COUNT] = {"schema",          "form", "show", "save",
                                                     "test-connection", "click"};

typedef struct options {
    int help;
    command cmd;
    char *plugin_path;
    char *config_file;
    char *config_json;
    char *tenant;
    char *actor;
    char *version_text;
    char *api_key; /* points into argv; copied and wiped right away */
    int api_key_stdin;
    int clear_api_key;
    char *enabled_text;
    char *email;
    char *invoice;
    char *number;
    char *return_url;
    /* Parsed from the text options above. */
    int64_t version;
    int enabled; /* -1 absent, 0 no, 1 yes */
} options;

#define ON(c) (1u << (c))
#define GLOBAL 0u

/* One row per option: its name, whether it takes a value, which commands
 * accept it (GLOBAL: all) and where it is stored (a char * into argv for value
 * options, an int for flags). */
typedef struct option_spec {
    const char *name;
    int takes_value;
    unsigned commands;
    size_t offset;
} option_spec;

static const option_spec option_specs[] = {
    {"--plugin", 1, GLOBAL, offsetof(options, plugin_path)},
    {"--config-file", 1, GLOBAL, offsetof(options, config_file)},
    {"--config", 1, GLOBAL, offsetof(options, config_json)},
    {"--tenant", 1,
     ON(CMD_FORM) | ON(CMD_SHOW) | ON(CMD_SAVE) | ON(CMD_TEST_CONNECTION) | ON(CMD_CLICK),
     offsetof(options, tenant)},
    {"--actor", 1, ON(CMD_SAVE), offsetof(options, actor)},
    {"--version", 1, ON(CMD_SAVE), offsetof(options, version_text)},
    {"--api-key", 1, ON(CMD_SAVE), offsetof(options, api_key)},
    {"--api-key-stdin", 0, ON(CMD_SAVE) | ON(CMD_TEST_CONNECTION),
     offsetof(options, api_key_stdin)},
    {"--clear-api-key", 0, ON(CMD_SAVE), offsetof(options, clear_api_key)},
    {"--enabled", 1, ON(CMD_SAVE), offsetof(options, enabled_text)},
    {"--email", 1, ON(CMD_CLICK), offsetof(options, email)},
    {"--invoice", 1, ON(CMD_CLICK), offsetof(options, invoice)},
    {"--number", 1, ON(CMD_CLICK), offsetof(options, number)},
    {"--return-url", 1, ON(CMD_CLICK), offsetof(options, return_url)},
};
#define OPTION_COUNT (sizeof option_specs / sizeof option_specs[0])

static const char usage_text[] =
    "usage: wisepay_host_cli [--plugin PATH] (--config-file FILE | --config JSON) COMMAND "
    "[options]\n"
    "\n"
    "  --plugin PATH   plugin library (default: $WISEPAY_PLUGIN, else " WISEPAY_DEFAULT_PLUGIN_PATH
    ")\n"
    "\n"
    "commands:\n"
    "  schema                         print the page document\n"
    "  form [--tenant T]              show the settings page as a text form\n"
    "  show --tenant T                print a tenant's settings\n"
    "  save --tenant T --actor A --version N [--api-key KEY | --api-key-stdin]\n"
    "       [--clear-api-key] [--enabled yes|no]\n"
    "                                 save settings (only the options given)\n"
    "  test-connection --tenant T [--api-key-stdin]\n"
    "                                 check the saved key, or one read from stdin\n"
    "  click --tenant T --email E --invoice ID [--number N] [--return-url U]\n"
    "                                 open an invoice as a portal user would\n"
    "\n"
    "exit status: 0 success, 1 the plugin returned an error, 2 usage or load error\n";

/* "what detail" on stderr (detail may be NULL), and the usage exit code. */
static int usage_error(const char *what, const char *detail) {
    fprintf(stderr, "wisepay_host_cli: %s%s%s\n", what, detail ? " " : "", detail ? detail : "");
    fputs("Run 'wisepay_host_cli --help' for usage.\n", stderr);
    return EXIT_USAGE;
}

/* Reads a non-negative decimal integer, digits only. */
static int parse_version(const char *text, int64_t *out) {
    int64_t v = 0;
    if (*text == '\0') {
        return 0;
    }
    for (; *text != '\0'; text++) {
        if (*text < '0' || *text > '9') {
            return 0;
        }
        int digit = *text - '0';
        if (v > (INT64_MAX - digit) / 10) {
            return 0;
        }
        v = v * 10 + digit;
    }
    *out = v;
    return 1;
}

/* Options may come before or after the command; each is checked against
 * the command once it is known. */
static int parse_args(int argc, char **argv, options *o) {
    int given[OPTION_COUNT] = {0};
    memset(o, 0, sizeof *o);
    o->cmd = CMD_NONE;
    o->enabled = -1;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help = 1;
            continue;
        }
        if (arg[0] == '-') {
            size_t k = 0;
            while (k < OPTION_COUNT && strcmp(option_specs[k].name, arg) != 0) {
                k++;
            }
            if (k == OPTION_COUNT) {
                return usage_error("unknown option", arg);
            }
            if (given[k]) {
                return usage_error("option given twice:", arg);
            }
            given[k] = 1;
            char *slot = (char *)o + option_specs[k].offset;
            if (option_specs[k].takes_value) {
                if (i + 1 >= argc) {
                    return usage_error("missing value for", arg);
                }
                *(char **)(void *)slot = argv[++i];
            } else {
                *(int *)(void *)slot = 1;
            }
            continue;
        }
        if (o->cmd != CMD_NONE) {
            return usage_error("unexpected argument", arg);
        }
        for (int c = 0; c < CMD_COUNT; c++) {
            if (strcmp(command_names[c], arg) == 0) {
                o->cmd = (command)c;
            }
        }
        if (o->cmd == CMD_NONE) {
            return usage_error("unknown command", arg);
        }
    }
    if (o->help) {
        return EXIT_OK;
    }
    if (o->cmd == CMD_NONE) {
        return usage_error("no command given", NULL);
    }
    for (size_t k = 0; k < OPTION_COUNT; k++) {
        if (given[k] && option_specs[k].commands != GLOBAL &&
            (option_specs[k].commands & ON(o->cmd)) == 0) {
            fprintf(stderr, "wisepay_host_cli: %s does not take %s\n", command_names[o->cmd],
                    option_specs[k].name);
            fputs("Run 'wisepay_host_cli --help' for usage.\n", stderr);
            return EXIT_USAGE;
        }
    }
    if ((o->config_file != NULL) == (o->config_json != NULL)) {
        return usage_error("give exactly one of --config-file FILE and --config JSON", NULL);
    }
    if (o->cmd != CMD_SCHEMA && o->cmd != CMD_FORM && o->tenant == NULL) {
        return usage_error("missing --tenant for", command_names[o->cmd]);
    }
    if (o->cmd == CMD_SAVE) {
        if (o->actor == NULL) {
            return usage_error("missing --actor for save", NULL);
        }
        if (o->version_text == NULL) {
            return usage_error("missing --version for save", NULL);
        }
        if (!parse_version(o->version_text, &o->version)) {
            return usage_error("--version needs a non-negative integer, not", o->version_text);
        }
        if ((o->api_key != NULL) + o->api_key_stdin + o->clear_api_key > 1) {
            return usage_error("give at most one of --api-key, --api-key-stdin and --clear-api-key",
                               NULL);
        }
        if (o->enabled_text != NULL) {
            if (strcmp(o->enabled_text, "yes") == 0) {
                o->enabled = 1;
            } else if (strcmp(o->enabled_text, "no") == 0) {
                o->enabled = 0;
            } else {
                return usage_error("--enabled takes yes or no, not", o->enabled_text);
            }
        }
    }
    if (o->cmd == CMD_CLICK && (o->email == NULL || o->invoice == NULL)) {
        return usage_error("click needs --email and --invoice", NULL);
    }
    return EXIT_OK;
}

/* ======================================================================== */
/* Secrets and files                                                        */
/* ======================================================================== */

/* The API key, kept in one fixed buffer so there is exactly one copy to
 * wipe (no realloc leaving old copies behind). */
typedef struct secret {
    char buf[KEY_BUFFER_SIZE];
    size_t len;
    int present;
} secret;

/* --api-key: copy the key, then blank the argv string so that it stops
 * showing in ps and /proc/PID/cmdline. It was visible until now, and stays
 * in shell history: --api-key-stdin is the safer way. */
static int take_key_from_argv(char *arg, secret *key) {
    size_t len = strlen(arg);
    if (len >= sizeof key->buf) {
        wipe(arg, len);
        return usage_error("--api-key is too long", NULL);
    }
    memcpy(key->buf, arg, len);
    key->len = len;
    key->present = 1;
    wipe(arg, len);
    return EXIT_OK;
}

/* --api-key-stdin: one line from fd 0, read with read(2) a byte at a time
 * because stdio would keep a copy in a buffer this program cannot wipe. On a
 * terminal the key is prompted for with echo off. The trailing newline (and
 * a CR before it) is dropped; other white space is left for the plugin,
 * which trims it. */
static int read_key_from_stdin(secret *key) {
    struct termios saved;
    int echo_off = 0;
    if (isatty(STDIN_FILENO)) {
        fputs("API key: ", stderr);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &saved) == 0) {
            struct termios quiet = saved;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    size_t len = 0;
    int got_any = 0;
    int too_long = 0;
    int read_error = 0;
    for (;;) {
        char c;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            read_error = errno;
            break;
        }
        if (n == 0) {
            break;
        }
        got_any = 1;
        if (c == '\n') {
            break;
        }
        if (len == sizeof key->buf - 1) {
            too_long = 1;
            break;
        }
        key->buf[len++] = c;
    }
    if (echo_off) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (len > 0 && key->buf[len - 1] == '\r') {
        key->buf[--len] = '\0';
    }
    if (read_error != 0 || too_long || !got_any) {
        wipe(key->buf, sizeof key->buf);
        if (read_error != 0) {
            fprintf(stderr, "error: cannot read the API key from stdin: %s\n",
                    strerror(read_error));
            return EXIT_USAGE;
        }
        return usage_error(too_long ? "the API key line on stdin is too long"
                                    : "--api-key-stdin: no line on stdin",
                           NULL);
    }
    key->len = len;
    key->present = 1;
    return EXIT_OK;
}

/* Reads a whole file into memory. The config may hold the master key, so
 * the stream is unbuffered (no stdio copy) and every buffer is wiped before
 * it is freed, including the ones outgrown while reading. */
static int read_config_file(const char *path, char **out, size_t *out_len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "error: cannot open config file %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    setvbuf(f, NULL, _IONBF, 0);
    size_t cap = 4096;
    size_t len = 0;
    char *buf = malloc(cap);
    int rc = EXIT_OK;
    while (buf != NULL) {
        if (len == cap) {
            if (cap >= CONFIG_MAX_BYTES) {
                fprintf(stderr, "error: config file %s is larger than %u bytes\n", path,
                        CONFIG_MAX_BYTES);
                rc = EXIT_USAGE;
                break;
            }
            char *bigger = malloc(cap * 2);
            if (bigger != NULL) {
                memcpy(bigger, buf, len);
            }
            wipe(buf, cap);
            free(buf);
            buf = bigger;
            cap *= 2;
            continue;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f)) {
                fprintf(stderr, "error: cannot read config file %s\n", path);
                rc = EXIT_USAGE;
            }
            break;
        }
    }
    fclose(f);
    if (buf == NULL) {
        fputs("error: out of memory reading the config file\n", stderr);
        return EXIT_USAGE;
    }
    if (rc != EXIT_OK) {
        wipe(buf, cap);
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = len;
    return EXIT_OK;
}

/* ======================================================================== */
/* The host table: log and register_page callbacks                          */
/* ======================================================================== */

/* What register_page gave us. The page is only valid during the callback,
 * so the host keeps copies. */
typedef struct host_state {
    char *page_id;
    char *menu;
    char *title;
    char *schema_json;
    size_t schema_json_len;
} host_state;

static void host_state_free(host_state *h) {
    free(h->page_id);
    free(h->menu);
    free(h->title);
    free(h->schema_json);
    memset(h, 0, sizeof *h);
}

static char *copy_bytes(const char *src, size_t len) {
    char *dst = malloc(len + 1);
    if (dst != NULL) {
        memcpy(dst, src, len);
        dst[len] = '\0';
    }
    return dst;
}

static const char *level_name(wisepay_log_level level) {
    switch (level) {
        case WISEPAY_LOG_DEBUG:
            return "debug";
        case WISEPAY_LOG_INFO:
            return "info";
        case WISEPAY_LOG_WARNING:
            return "warning";
        case WISEPAY_LOG_ERROR:
            return "error";
    }
    return "unknown";
}

/* May run on any thread: a single fprintf call keeps lines whole. */
static void on_log(void *host_data, wisepay_log_level level, const char *message) {
    (void)host_data;
    fprintf(stderr, "[%s] %s\n", level_name(level), message != NULL ? message : "");
}

static wisepay_status on_register_page(void *host_data, const wisepay_page *page) {
    host_state *h = host_data;
    if (h == NULL || page == NULL || !HAS_FIELD(page, wisepay_page, schema_json_len) ||
        page->schema_json == NULL || page->schema_json_len == SIZE_MAX) {
        return WISEPAY_E_INVALID_ARGUMENT;
    }
    host_state copy = {0};
    copy.page_id = page->page_id ? copy_bytes(page->page_id, strlen(page->page_id)) : NULL;
    copy.menu = page->menu ? copy_bytes(page->menu, strlen(page->menu)) : NULL;
    copy.title = page->title ? copy_bytes(page->title, strlen(page->title)) : NULL;
    copy.schema_json = copy_bytes(page->schema_json, page->schema_json_len);
    copy.schema_json_len = page->schema_json_len;
    if ((page->page_id && !copy.page_id) || (page->menu && !copy.menu) ||
        (page->title && !copy.title) || !copy.schema_json) {
        host_state_free(&copy);
        return WISEPAY_E_OUT_OF_MEMORY;
    }
    host_state_free(h); /* a second registration replaces the first */
    *h = copy;
    return WISEPAY_OK;
}

/* ======================================================================== */
/* Loading the plugin and reporting its errors                              */
/* ======================================================================== */

typedef struct plugin {
    void *handle;
    const wisepay_plugin_api *api;
} plugin;

static int load_plugin(const char *path, plugin *pl) {
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

/* Stable names for the status codes, used only when the plugin could not
 * allocate an error object to name the failure itself. */
static const char *status_name(wisepay_status status) {
    static const char *const names[] = {"ok",
                                        "invalid_argument",
                                        "validation",
                                        "conflict",
                                        "config",
                                        "storage",
                                        "crypto",
                                        "not_implemented",
                                        "disabled",
                                        "no_api_key",
                                        "payer_not_found",
                                        "key_rejected",
                                        "upstream_disabled",
                                        "unavailable",
                                        "upstream_invalid",
                                        "out_of_memory",
                                        "internal"};
    if ((unsigned)status < sizeof names / sizeof names[0]) {
        return names[status];
    }
    return "unknown_status";
}

/* Prints a failed call's error the same way for every command, releases
 * it, and gives the exit code. */
static int report_error(const wisepay_plugin_api *api, wisepay_status status, wisepay_error *err) {
    if (err == NULL) {
        fprintf(stderr, "error: %s: the plugin gave no details (status %d)\n", status_name(status),
                (int)status);
        return EXIT_PLUGIN_ERROR;
    }
    const char *code =
        HAS_FIELD(err, wisepay_error, code) && err->code ? err->code : status_name(status);
    const char *message =
        HAS_FIELD(err, wisepay_error, message) && err->message ? err->message : "";
    fprintf(stderr, "error: %s: %s\n", code, message);
    if (HAS_FIELD(err, wisepay_error, field_errors) && err->field_errors != NULL) {
        for (size_t i = 0; i < err->field_error_count; i++) {
            const wisepay_field_error *fe = &err->field_errors[i];
            fprintf(stderr, "  %s: %s\n", fe->field ? fe->field : "?",
                    fe->message ? fe->message : "");
        }
    }
    if (HAS_FIELD(err, wisepay_error, correlation_id) && err->correlation_id != NULL &&
        err->correlation_id[0] != '\0') {
        fprintf(stderr, "correlation id: %s\n", err->correlation_id);
    }
    if (HAS_FIELD(err, wisepay_error, help_url) && err->help_url != NULL) {
        fprintf(stderr, "see: %s\n", err->help_url);
    }
    api->free_error(err);
    return EXIT_PLUGIN_ERROR;
}

/* Prints a JSON string the plugin returned, plus a newline, and frees it. */
static int print_json_result(const wisepay_plugin_api *api, char *json) {
    if (json != NULL) {
        fputs(json, stdout);
        api->free_string(json);
    }
    putchar('\n');
    return EXIT_OK;
}

/* ======================================================================== */
/* Commands that pass data straight through                                 */
/* ======================================================================== */

static int cmd_schema(const wisepay_plugin_api *api, wisepay_instance *inst) {
    char *json = NULL;
    size_t len = 0;
    wisepay_error *err = NULL;
    wisepay_status st = api->get_page_schema(inst, &json, &len, &err);
    if (st != WISEPAY_OK) {
        return report_error(api, st, err);
    }
    if (json != NULL) {
        fwrite(json, 1, len, stdout);
        api->free_string(json);
    }
    putchar('\n');
    return EXIT_OK;
}

static int cmd_show(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o) {
    char *json = NULL;
    wisepay_error *err = NULL;
    wisepay_status st = api->get_settings(inst, o->tenant, &json, &err);
    if (st != WISEPAY_OK) {
        return report_error(api, st, err);
    }
    return print_json_result(api, json);
}

/* A write-or-count buffer: the first pass (data NULL) measures, the second
 * fills a buffer of exactly that size, so the body holding the key is
 * never reallocated and there is one copy to wipe. */
typedef struct body_buf {
    char *data;
    size_t cap;
    size_t len;
} body_buf;

static void body_put(body_buf *b, const char *s) {
    size_t n = strlen(s);
    if (b->data != NULL && b->len + n < b->cap) {
        memcpy(b->data + b->len, s, n);
    }
    b->len += n;
}

static void body_put_escaped(body_buf *b, const char *s, size_t n) {
    size_t room = (b->data != NULL && b->len < b->cap) ? b->cap - b->len : 0;
    b->len += json_escape(s, n, room ? b->data + b->len : NULL, room);
}

/* {"api_key": "...", "enabled": true} with only the members asked for. */
static void build_save_body(body_buf *b, const options *o, const secret *key) {
    const char *sep = "";
    body_put(b, "{");
    if (key->present || o->clear_api_key) {
        body_put(b, "\"api_key\": ");
        if (key->present) {
            body_put_escaped(b, key->buf, key->len);
        } else {
            body_put(b, "null");
        }
        sep = ", ";
    }
    if (o->enabled >= 0) {
        body_put(b, sep);
        body_put(b, o->enabled ? "\"enabled\": true" : "\"enabled\": false");
    }
    body_put(b, "}");
}

static int cmd_save(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o,
                    const secret *key) {
    body_buf b = {NULL, 0, 0};
    build_save_body(&b, o, key);
    b.cap = b.len + 1;
    b.len = 0;
    b.data = malloc(b.cap);
    if (b.data == NULL) {
        fputs("error: out of memory\n", stderr);
        return EXIT_PLUGIN_ERROR;
    }
    build_save_body(&b, o, key);
    b.data[b.len] = '\0';

    wisepay_save_request req;
    memset(&req, 0, sizeof req);
    req.struct_size = sizeof req;
    req.tenant_id = o->tenant;
    req.actor = o->actor;
    req.expected_version = o->version;
    req.settings_json = b.data;
    req.settings_json_len = b.len;
    char *json = NULL;
    wisepay_error *err = NULL;
    wisepay_status st = api->save_settings(inst, &req, &json, &err);
    wipe(b.data, b.cap);
    free(b.data);
    if (st != WISEPAY_OK) {
        return report_error(api, st, err);
    }
    return print_json_result(api, json);
}

static int cmd_test_connection(const wisepay_plugin_api *api, wisepay_instance *inst,
                               const options *o, const secret *key) {
    wisepay_test_request req;
    memset(&req, 0, sizeof req);
    req.struct_size = sizeof req;
    req.tenant_id = o->tenant;
    req.api_key = key->present ? key->buf : NULL; /* NULL: test the saved key */
    req.api_key_len = key->present ? key->len : 0;
    req.deadline_ms = 0; /* the config's default */
    char *json = NULL;
    wisepay_error *err = NULL;
    wisepay_status st = api->test_connection(inst, &req, &json, &err);
    if (st != WISEPAY_OK) {
        return report_error(api, st, err);
    }
    return print_json_result(api, json);
}

static int cmd_click(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o) {
    wisepay_invoice_request req;
    memset(&req, 0, sizeof req);
    req.struct_size = sizeof req;
    req.tenant_id = o->tenant;
    req.user_email = o->email;
    req.invoice_id = o->invoice;
    req.invoice_number = o->number;
    req.return_url = o->return_url;
    req.deadline_ms = 0;
    wisepay_redirect *r = NULL;
    wisepay_error *err = NULL;
    wisepay_status st = api->open_invoice(inst, &req, &r, &err);
    if (st != WISEPAY_OK) {
        return report_error(api, st, err);
    }
    if (r == NULL || !HAS_FIELD(r, wisepay_redirect, open_in_new_tab) || r->url == NULL) {
        fputs("error: the plugin reported success but returned no usable redirect\n", stderr);
        api->free_redirect(r);
        return EXIT_PLUGIN_ERROR;
    }
    /* The URL is a single-use credential: printed because showing it is
     * this command's job, but never logged or kept. */
    printf("redirect: %s\nexpires_at: %" PRId64 "\nopen_in_new_tab: %s\n", r->url,
           r->expires_at_unix, r->open_in_new_tab ? "yes" : "no");
    api->free_redirect(r);
    return EXIT_OK;
}

/* ======================================================================== */
/* The form: rendered only from the registered page document               */
/* ======================================================================== */

/* Writes text with control characters replaced, so that nothing read from
 * the plugin or the database can drive the terminal. */
static void put_text(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        putchar((c < 0x20 || c == 0x7F) ? '?' : (int)c);
    }
}

/* Columns a UTF-8 string takes, roughly: one per code point. */
static size_t text_width(const char *s, size_t n) {
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            w++;
        }
    }
    return w;
}

/* Word-wraps text at FORM_WIDTH, every line indented; '\n' in the text
 * starts a new line. */
static void put_wrapped(const char *text, size_t indent) {
    size_t col = 0;
    const char *p = text;
    while (*p != '\0') {
        if (*p == '\n') {
            putchar('\n');
            col = 0;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        const char *word = p;
        while (*p != '\0' && *p != ' ' && *p != '\n') {
            p++;
        }
        size_t n = (size_t)(p - word);
        size_t w = text_width(word, n);
        if (col > 0 && col + 1 + w > FORM_WIDTH) {
            putchar('\n');
            col = 0;
        }
        if (col == 0) {
            printf("%*s", (int)indent, "");
            col = indent;
        } else {
            putchar(' ');
            col++;
        }
        put_text(word, n);
        col += w;
    }
    if (col > 0) {
        putchar('\n');
    }
}

/* The decoded string member `key` of an object, malloc'ed, or NULL when
 * the object, the member or a string value is missing. */
static char *member_string(const json_view *object, const char *key) {
    json_view v;
    char *s = NULL;
    if (object != NULL && json_get(*object, key, &v) == JSON_OK && v.type == JSON_STRING) {
        json_string_dup(v, &s, NULL);
    }
    return s;
}

/* The member `key` if it exists and has the wanted type. */
static int member_of_type(const json_view *object, const char *key, json_type type,
                          json_view *out) {
    return object != NULL && json_get(*object, key, out) == JSON_OK && out->type == type;
}

/* What the form shows as a field's current value. A secret field (password
 * widget, or writeOnly in the schema) shows only what get_settings says
 * about it, {"set", "last4"}, and never a value. */
static void put_field_value(const char *widget, int secret_field, int have_value, json_view value) {
    if (secret_field) {
        int set = 0;
        json_view set_view;
        char *last4 = NULL;
        if (have_value && member_of_type(&value, "set", JSON_BOOL, &set_view)) {
            json_bool(set_view, &set);
            last4 = member_string(&value, "last4");
        }
        if (set && last4 != NULL && last4[0] != '\0') {
            fputs("(set, ends in ", stdout);
            put_text(last4, strlen(last4));
            putchar(')');
        } else {
            fputs(set ? "(set)" : "(not set)", stdout);
        }
        free(last4);
        return;
    }
    if (strcmp(widget, "checkbox") == 0) {
        int on = 0;
        if (have_value && value.type == JSON_BOOL) {
            json_bool(value, &on);
        }
        fputs(on ? "[x]" : "[ ]", stdout);
        return;
    }
    if (!have_value || value.type == JSON_NULL) {
        fputs("(not set)", stdout);
        return;
    }
    if (value.type == JSON_STRING) {
        char *s = NULL;
        size_t n = 0;
        if (json_string_dup(value, &s, &n) == JSON_OK) {
            put_text(s, n);
            free(s);
        }
        return;
    }
    put_text(value.ptr, value.len); /* numbers, booleans, nested JSON: as written */
}

/* One field: "Label (widget): value", then its help text indented. The
 * label, widget and help come from ui.fields, falling back to the schema
 * property's title and description, then to the field id. */
static void put_field(const char *id, const json_view *ui_fields, const json_view *properties,
                      const json_view *settings) {
    json_view ui_field_v;
    json_view prop_v;
    const json_view *ui_field =
        member_of_type(ui_fields, id, JSON_OBJECT, &ui_field_v) ? &ui_field_v : NULL;
    const json_view *prop = member_of_type(properties, id, JSON_OBJECT, &prop_v) ? &prop_v : NULL;

    char *label = member_string(ui_field, "label");
    if (label == NULL) {
        label = member_string(prop, "title");
    }
    char *widget = member_string(ui_field, "widget");
    char *help = member_string(ui_field, "help");
    if (help == NULL) {
        help = member_string(prop, "description");
    }
    const char *widget_name = widget != NULL ? widget : "text"; /* HTML's default input */
    json_view write_only;
    int is_write_only = 0;
    if (member_of_type(prop, "writeOnly", JSON_BOOL, &write_only)) {
        json_bool(write_only, &is_write_only);
    }
    int secret_field = is_write_only || strcmp(widget_name, "password") == 0;

    const char *shown = label != NULL ? label : id;
    put_text(shown, strlen(shown));
    fputs(" (", stdout);
    put_text(widget_name, strlen(widget_name));
    putchar(')');
    if (settings != NULL) {
        json_view value = {NULL, 0, JSON_NULL};
        int have_value = json_get(*settings, id, &value) == JSON_OK;
        fputs(": ", stdout);
        put_field_value(widget_name, secret_field, have_value, value);
    }
    putchar('\n');
    if (help != NULL) {
        put_wrapped(help, 4);
    }
    putchar('\n');
    free(label);
    free(widget);
    free(help);
}

/* 1 when the array holds the string `id`. */
static int array_has_string(const json_view *array, const char *id) {
    json_iter it;
    json_view item;
    if (array == NULL || json_iter_init(*array, &it) != JSON_OK) {
        return 0;
    }
    while (json_iter_next(&it, NULL, &item)) {
        if (item.type == JSON_STRING && json_string_equals(item, id)) {
            return 1;
        }
    }
    return 0;
}

static int render_form(const host_state *h, json_view doc, const char *tenant,
                       const json_view *settings) {
    json_view ui;
    if (!member_of_type(&doc, "ui", JSON_OBJECT, &ui)) {
        fputs("error: the registered page document has no \"ui\" object\n", stderr);
        return EXIT_PLUGIN_ERROR;
    }
    json_view order_v, fields_v, schema_v, props_v, actions_v;
    const json_view *order = member_of_type(&ui, "order", JSON_ARRAY, &order_v) ? &order_v : NULL;
    const json_view *fields =
        member_of_type(&ui, "fields", JSON_OBJECT, &fields_v) ? &fields_v : NULL;
    const json_view *props = NULL;
    if (member_of_type(&doc, "schema", JSON_OBJECT, &schema_v) &&
        member_of_type(&schema_v, "properties", JSON_OBJECT, &props_v)) {
        props = &props_v;
    }

    /* Header: "Menu > Title" as registered, falling back to the document. */
    char *doc_menu = member_string(&doc, "menu");
    char *doc_title = member_string(&doc, "title");
    const char *menu = h->menu ? h->menu : doc_menu ? doc_menu : "";
    const char *title = h->title ? h->title : doc_title ? doc_title : "";
    put_text(menu, strlen(menu));
    fputs(" > ", stdout);
    put_text(title, strlen(title));
    putchar('\n');
    for (size_t i = text_width(menu, strlen(menu)) + 3 + text_width(title, strlen(title)); i > 0;
         i--) {
        putchar('=');
    }
    fputs("\n\n", stdout);
    free(doc_menu);
    free(doc_title);

    char *description = member_string(&doc, "description");
    if (description != NULL) {
        put_wrapped(description, 0);
        putchar('\n');
        free(description);
    }
    if (tenant != NULL && settings != NULL) {
        json_view version_v;
        int64_t version = 0;
        fputs("Tenant: ", stdout);
        put_text(tenant, strlen(tenant));
        if (json_get(*settings, "version", &version_v) == JSON_OK &&
            json_int64(version_v, &version) == JSON_OK) {
            printf(" (settings version %" PRId64 ")", version);
        }
        putchar('\n');
        putchar('\n');
    }

    /* Fields in ui.order, then any schema property the order forgot, so a
     * new field is never silently hidden. */
    json_iter it;
    json_view key, item;
    if (order != NULL && json_iter_init(*order, &it) == JSON_OK) {
        while (json_iter_next(&it, NULL, &item)) {
            char *id = NULL;
            if (item.type == JSON_STRING && json_string_dup(item, &id, NULL) == JSON_OK) {
                put_field(id, fields, props, settings);
                free(id);
            }
        }
    }
    if (props != NULL && json_iter_init(*props, &it) == JSON_OK) {
        while (json_iter_next(&it, &key, &item)) {
            char *id = NULL;
            if (json_string_dup(key, &id, NULL) == JSON_OK) {
                if (!array_has_string(order, id)) {
                    put_field(id, fields, props, settings);
                }
                free(id);
            }
        }
    }

    if (member_of_type(&ui, "actions", JSON_ARRAY, &actions_v) &&
        json_iter_init(actions_v, &it) == JSON_OK) {
        fputs("Actions:", stdout);
        while (json_iter_next(&it, NULL, &item)) {
            char *label = member_string(&item, "label");
            if (label == NULL) {
                label = member_string(&item, "id");
            }
            if (label != NULL) {
                fputs(" [", stdout);
                put_text(label, strlen(label));
                putchar(']');
                free(label);
            }
        }
        putchar('\n');
    }
    return EXIT_OK;
}

static int cmd_form(const wisepay_plugin_api *api, wisepay_instance *inst, const host_state *h,
                    const char *tenant) {
    if (h->schema_json == NULL) {
        fputs("error: the plugin registered no page\n", stderr);
        return EXIT_PLUGIN_ERROR;
    }
    json_view doc;
    size_t where = 0;
    json_status js = json_parse(h->schema_json, h->schema_json_len, &doc, &where);
    if (js != JSON_OK || doc.type != JSON_OBJECT) {
        fprintf(stderr, "error: the registered page document is unusable: %s at byte %zu\n",
                js != JSON_OK ? json_status_text(js) : "not an object", where);
        return EXIT_PLUGIN_ERROR;
    }

    char *settings_json = NULL;
    json_view settings = {NULL, 0, JSON_NULL};
    if (tenant != NULL) {
        wisepay_error *err = NULL;
        wisepay_status st = api->get_settings(inst, tenant, &settings_json, &err);
        if (st != WISEPAY_OK) {
            return report_error(api, st, err);
        }
        js = settings_json ? json_parse(settings_json, strlen(settings_json), &settings, &where)
                           : JSON_E_ARGUMENT;
        if (js != JSON_OK || settings.type != JSON_OBJECT) {
            fprintf(stderr, "error: the plugin's settings JSON is unusable: %s\n",
                    js != JSON_OK ? json_status_text(js) : "not an object");
            api->free_string(settings_json);
            return EXIT_PLUGIN_ERROR;
        }
    }
    int rc = render_form(h, doc, tenant, tenant != NULL ? &settings : NULL);
    api->free_string(settings_json);
    return rc;
}

/* ======================================================================== */
/* main                                                                     */
/* ======================================================================== */

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
