/*
 * secrets.c - reads the API key and the config file of the example C host
 * so that exactly the copies it can wipe exist: no stdio buffers, no
 * reallocated leftovers.
 */
#include "secrets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"

/* Largest config file read. */
#define CONFIG_MAX_BYTES (1024u * 1024u)

/* The volatile accesses keep the compiler from dropping the stores as dead
 * (explicit_bzero is not in C11 or POSIX). */
void wipe(void *p, size_t n) {
    volatile unsigned char *v = p;
    while (n-- > 0) {
        *v++ = 0;
    }
}

int take_key_from_argv(char *arg, secret *key) {
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

/* Read with read(2) a byte at a time because stdio would keep a copy in a
 * buffer this program cannot wipe. */
int read_key_from_stdin(secret *key) {
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
int read_config_file(const char *path, char **out, size_t *out_len) {
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
