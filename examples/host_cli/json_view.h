/*
 * json_view.h - a small read-only JSON reader for the example host.
 *
 * Why a reader of our own: the header promises that a host needs nothing
 * but plain C to use the plugin, so the example host should not pull in a
 * JSON library either. It only has to walk two small documents (the page
 * document and a tenant's settings), so it works on the text in place:
 *
 * - json_parse() checks a whole document once (RFC 8259 grammar, UTF-8,
 *   escapes, nesting at most JSON_MAX_DEPTH deep) and hands back a view of
 *   its top value.
 * - A json_view is just the span of text one value occupies plus its type.
 *   Lookups re-scan that span with the same checked scanner, so they too
 *   return errors instead of reading out of bounds, even on a view that did
 *   not come from json_parse().
 * - Nothing is allocated except by json_string_dup(), which decodes a
 *   string (escapes and \uXXXX included) into a new NUL-terminated buffer.
 *
 * The text must stay alive and unchanged while views into it are used.
 */
#ifndef WISEPAY_HOST_CLI_JSON_VIEW_H
#define WISEPAY_HOST_CLI_JSON_VIEW_H

#include <stddef.h>
#include <stdint.h>

/* Deepest nesting of arrays and objects accepted; bounds the recursion. */
#define JSON_MAX_DEPTH 64

typedef enum json_type {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef enum json_status {
    JSON_OK = 0,
    JSON_E_SYNTAX,    /* not JSON (bad token, bad escape, bad UTF-8, trailing text) */
    JSON_E_TRUNCATED, /* the text ends in the middle of a value */
    JSON_E_DEPTH,     /* nested deeper than JSON_MAX_DEPTH */
    JSON_E_NOT_FOUND, /* json_get: no member with that name */
    JSON_E_TYPE,      /* the value is not of the type the function reads */
    JSON_E_RANGE,     /* json_int64: the number does not fit */
    JSON_E_NO_MEMORY, /* json_string_dup: malloc failed */
    JSON_E_ARGUMENT   /* a NULL pointer was passed */
} json_status;

/* One value: the bytes [ptr, ptr + len) of the document, and its type. */
typedef struct json_view {
    const char *ptr;
    size_t len;
    json_type type;
} json_view;

/* Walks the members of an object or the elements of an array in order. */
typedef struct json_iter {
    const char *pos;    /* next byte to read */
    const char *end;    /* the container's closing bracket */
    int is_object;      /* members have keys */
    int started;        /* a separator is due before the next item */
    json_status status; /* JSON_OK, or why json_iter_next() stopped early */
} json_iter;

/* Checks that text[0, len) is exactly one JSON value, optionally surrounded
 * by white space, and sets *out to it. On failure *error_offset (may be
 * NULL) receives the byte offset where reading stopped. */
json_status json_parse(const char *text, size_t len, json_view *out, size_t *error_offset);

/* Sets *out to the member `key` of an object. When a name appears twice,
 * the first one wins. */
json_status json_get(json_view object, const char *key, json_view *out);

/* Starts an iteration over an object or array. Use as:
 *     json_iter it;
 *     json_view key, value;
 *     if (json_iter_init(container, &it) == JSON_OK)
 *         while (json_iter_next(&it, &key, &value)) { ... }
 *     if (it.status != JSON_OK) { ... malformed ... }
 * For arrays, key may be NULL (it is left untouched). */
json_status json_iter_init(json_view container, json_iter *it);
int json_iter_next(json_iter *it, json_view *key, json_view *value);

/* Decodes a string value into a malloc'ed, NUL-terminated UTF-8 buffer the
 * caller free()s. *out_len (may be NULL) receives the length, which tells
 * the whole story when the string holds "\u0000". */
json_status json_string_dup(json_view string, char **out, size_t *out_len);

/* 1 when the string value decodes to exactly the NUL-terminated `text`. */
int json_string_equals(json_view string, const char *text);

/* Reads true/false as 1/0. */
json_status json_bool(json_view value, int *out);

/* Reads an integer number (no fraction, no exponent) into *out. */
json_status json_int64(json_view value, int64_t *out);

/* A short English description of a status, for error messages. */
const char *json_status_text(json_status status);

/* Writes in[0, in_len) as a JSON string literal, quotes included, escaping
 * '"', '\\' and control characters; other bytes are copied as they are.
 * Works like snprintf: writes at most out_cap - 1 bytes plus a NUL (nothing
 * when out_cap is 0, so out may then be NULL) and returns the full length
 * the literal needs, without the NUL. Callers size a buffer with a first
 * call and fill it with a second, which keeps secrets out of any
 * intermediate buffer the caller does not control. */
size_t json_escape(const char *in, size_t in_len, char *out, size_t out_cap);

#endif /* WISEPAY_HOST_CLI_JSON_VIEW_H */
