/*
 * options.c - reads the command line of the example C host: a table of
 * options saying which commands take each one, and the checks that need
 * the command (required options, values that must parse).
 */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *const command_names[CMD_COUNT] = {
    "schema",           "form",       "show", "save", "test-connection", "click",
    "copy-from-sqlite", "reseal-keys"};

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
    {"--actor", 1, ON(CMD_SAVE) | ON(CMD_RESEAL_KEYS), offsetof(options, actor)},
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
    {"--sqlite-file", 1, ON(CMD_COPY_FROM_SQLITE), offsetof(options, sqlite_file)},
    {"--max-tenants", 1, ON(CMD_RESEAL_KEYS), offsetof(options, max_tenants_text)},
};
#define OPTION_COUNT (sizeof option_specs / sizeof option_specs[0])

const char usage_text[] =
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
    "  copy-from-sqlite --sqlite-file F\n"
    "                                 copy every tenant of a single-node SQLite database\n"
    "                                 into the configured one (e.g. PostgreSQL)\n"
    "  reseal-keys --actor A [--max-tenants N]\n"
    "                                 re-seal API keys under the current master key\n"
    "\n"
    "exit status: 0 success, 1 the plugin returned an error, 2 usage or load error\n";

int usage_error(const char *what, const char *detail) {
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
int parse_args(int argc, char **argv, options *o) {
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
    const int per_tenant = o->cmd == CMD_SHOW || o->cmd == CMD_SAVE ||
                           o->cmd == CMD_TEST_CONNECTION || o->cmd == CMD_CLICK;
    if (per_tenant && o->tenant == NULL) {
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
    if (o->cmd == CMD_COPY_FROM_SQLITE && o->sqlite_file == NULL) {
        return usage_error("copy-from-sqlite needs --sqlite-file", NULL);
    }
    if (o->cmd == CMD_RESEAL_KEYS) {
        if (o->actor == NULL) {
            return usage_error("missing --actor for reseal-keys", NULL);
        }
        if (o->max_tenants_text != NULL &&
            (!parse_version(o->max_tenants_text, &o->max_tenants) || o->max_tenants > UINT32_MAX)) {
            return usage_error("--max-tenants needs a non-negative integer, not",
                               o->max_tenants_text);
        }
    }
    return EXIT_OK;
}
