/*
 * options.h - the command line of the example C host: which command was
 * asked for and with which options, as the commands read them.
 */
#ifndef WISEPAY_HOST_CLI_OPTIONS_H
#define WISEPAY_HOST_CLI_OPTIONS_H

#include <stdint.h>

typedef enum command {
    CMD_NONE = -1,
    CMD_SCHEMA,
    CMD_FORM,
    CMD_SHOW,
    CMD_SAVE,
    CMD_TEST_CONNECTION,
    CMD_CLICK,
    CMD_COPY_FROM_SQLITE,
    CMD_RESEAL_KEYS,
    CMD_COUNT
} command;

extern const char *const command_names[CMD_COUNT];

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
    char *sqlite_file;
    char *max_tenants_text;
    /* Parsed from the text options above. */
    int64_t version;
    int64_t max_tenants; /* 0: all */
    int enabled;         /* -1 absent, 0 no, 1 yes */
} options;

/* The usage text printed by --help. */
extern const char usage_text[];

/* Fills *o from the command line, checking each option against the
 * command. Returns EXIT_OK (with o->help set for --help) or EXIT_USAGE,
 * after saying what is wrong on stderr. */
int parse_args(int argc, char **argv, options *o);

/* "wisepay_host_cli: what detail" on stderr (detail may be NULL) and a
 * pointer to --help; returns EXIT_USAGE. */
int usage_error(const char *what, const char *detail);

#endif /* WISEPAY_HOST_CLI_OPTIONS_H */
