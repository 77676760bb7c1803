/*
 * secrets.h - the example C host's inputs that may hold a secret: the API
 * key (from the command line or stdin) and the config file (which may hold
 * the master key). Each is kept in buffers this host wipes once done.
 */
#ifndef WISEPAY_HOST_CLI_SECRETS_H
#define WISEPAY_HOST_CLI_SECRETS_H

#include <stddef.h>

/* Largest API key this host holds (the plugin's own limit is far lower and
 * it reports that one). */
#define KEY_BUFFER_SIZE 4096

/* The API key, kept in one fixed buffer so there is exactly one copy to
 * wipe (no realloc leaving old copies behind). */
typedef struct secret {
    char buf[KEY_BUFFER_SIZE];
    size_t len;
    int present;
} secret;

/* Overwrites memory that held a secret. */
void wipe(void *p, size_t n);

/* --api-key: copy the key, then blank the argv string so that it stops
 * showing in ps and /proc/PID/cmdline. It was visible until now, and stays
 * in shell history: --api-key-stdin is the safer way. */
int take_key_from_argv(char *arg, secret *key);

/* --api-key-stdin: one line from fd 0, prompted for with echo off on a
 * terminal. The trailing newline (and a CR before it) is dropped; other
 * white space is left for the plugin, which trims it. */
int read_key_from_stdin(secret *key);

/* Reads a whole file into a malloc'ed buffer; the caller wipes and frees
 * it. Returns EXIT_OK, or EXIT_USAGE after saying why on stderr. */
int read_config_file(const char *path, char **out, size_t *out_len);

#endif /* WISEPAY_HOST_CLI_SECRETS_H */
