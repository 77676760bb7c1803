/*
 * json_view.c - see json_view.h for what this reader does and why.
 *
 * Everything goes through one bounds-checked scanner (a position and an
 * end), so every read is guarded by `p < end` and every failure comes back
 * as a json_status. Recursion happens only for nested arrays and objects and
 * stops at JSON_MAX_DEPTH, so hostile input cannot exhaust the stack.
 */
#include "json_view.h"

#include <stdlib.h>
#include <string.h>

typedef struct scanner {
    const char *p;
    const char *end;
} scanner;

static int at_end(const scanner *s) {
    return s->p >= s->end;
}

static void skip_ws(scanner *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) {
        s->p++;
    }
}

static int is_digit(char c) {
    return c >= '0' && c <= '9';
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Length of the well-formed UTF-8 sequence at p (the Unicode standard's
 * table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF), 0 when
 * it is ill-formed, -1 when the text ends inside it. Checking this keeps
 * what json_string_dup() returns valid UTF-8, safe to print. */
static int utf8_sequence(const unsigned char *p, const unsigned char *end) {
    unsigned char c = p[0];
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    int need;
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c == 0xE0) {
        need = 3;
        lo = 0xA0;
    } else if (c >= 0xE1 && c <= 0xEC) {
        need = 3;
    } else if (c == 0xED) {
        need = 3;
        hi = 0x9F;
    } else if (c >= 0xEE && c <= 0xEF) {
        need = 3;
    } else if (c == 0xF0) {
        need = 4;
        lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
        need = 4;
    } else if (c == 0xF4) {
        need = 4;
        hi = 0x8F;
    } else {
        return 0;
    }
    for (int i = 1; i < need; i++) {
        if (p + i >= end) {
            return -1;
        }
        unsigned char b = p[i];
        unsigned char min = (i == 1) ? lo : 0x80;
        unsigned char max = (i == 1) ? hi : 0xBF;
        if (b < min || b > max) {
            return 0;
        }
    }
    return need;
}

static int utf8_encode(uint32_t cp, unsigned char out[4]) {
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads the 4 hex digits of a \u escape. */
static json_status read_hex4(scanner *s, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        if (at_end(s)) {
            return JSON_E_TRUNCATED;
        }
        int h = hex_value(*s->p);
        if (h < 0) {
            return JSON_E_SYNTAX;
        }
        v = (v << 4) | (uint32_t)h;
        s->p++;
    }
    *out = v;
    return JSON_OK;
}

/* Reads a \u escape (the scanner is just past the 'u'), joining a surrogate
 * pair into one code point. A lone surrogate has no UTF-8 form: error. */
static json_status read_unicode_escape(scanner *s, uint32_t *cp) {
    json_status st = read_hex4(s, cp);
    if (st != JSON_OK) {
        return st;
    }
    if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
        return JSON_E_SYNTAX;
    }
    if (*cp < 0xD800 || *cp > 0xDBFF) {
        return JSON_OK;
    }
    for (const char *want = "\\u"; *want != '\0'; want++) {
        if (at_end(s)) {
            return JSON_E_TRUNCATED;
        }
        if (*s->p != *want) {
            return JSON_E_SYNTAX;
        }
        s->p++;
    }
    uint32_t low;
    st = read_hex4(s, &low);
    if (st != JSON_OK) {
        return st;
    }
    if (low < 0xDC00 || low > 0xDFFF) {
        return JSON_E_SYNTAX;
    }
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (low - 0xDC00);
    return JSON_OK;
}

/* Reads the next character of a string body. Returns the number of UTF-8
 * bytes it decodes to (stored in buf), 0 after consuming the closing quote,
 * or -1 with *status set. Both the checker and the decoder use this, so
 * they cannot disagree about what a string is. */
static int string_next(scanner *s, unsigned char buf[4], json_status *status) {
    if (at_end(s)) {
        *status = JSON_E_TRUNCATED;
        return -1;
    }
    unsigned char c = (unsigned char)*s->p;
    if (c == '"') {
        s->p++;
        return 0;
    }
    if (c < 0x20) { /* control characters must be escaped */
        *status = JSON_E_SYNTAX;
        return -1;
    }
    if (c != '\\') {
        int n = utf8_sequence((const unsigned char *)s->p, (const unsigned char *)s->end);
        if (n <= 0) {
            *status = (n < 0) ? JSON_E_TRUNCATED : JSON_E_SYNTAX;
            return -1;
        }
        memcpy(buf, s->p, (size_t)n);
        s->p += n;
        return n;
    }
    s->p++;
    if (at_end(s)) {
        *status = JSON_E_TRUNCATED;
        return -1;
    }
    char e = *s->p++;
    switch (e) {
        case '"':
        case '\\':
        case '/':
            buf[0] = (unsigned char)e;
            return 1;
        case 'b':
            buf[0] = '\b';
            return 1;
        case 'f':
            buf[0] = '\f';
            return 1;
        case 'n':
            buf[0] = '\n';
            return 1;
        case 'r':
            buf[0] = '\r';
            return 1;
        case 't':
            buf[0] = '\t';
            return 1;
        case 'u': {
            uint32_t cp;
            json_status st = read_unicode_escape(s, &cp);
            if (st != JSON_OK) {
                *status = st;
                return -1;
            }
            return utf8_encode(cp, buf);
        }
        default:
            *status = JSON_E_SYNTAX;
            return -1;
    }
}

/* The scanner is on the opening quote; leaves it past the closing one. */
static json_status scan_string(scanner *s) {
    unsigned char buf[4];
    json_status st = JSON_OK;
    s->p++;
    for (;;) {
        int n = string_next(s, buf, &st);
        if (n < 0) {
            return st;
        }
        if (n == 0) {
            return JSON_OK;
        }
    }
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static json_status scan_number(scanner *s) {
    if (*s->p == '-') {
        s->p++;
    }
    if (at_end(s)) {
        return JSON_E_TRUNCATED;
    }
    if (*s->p == '0') {
        s->p++;
    } else if (is_digit(*s->p)) {
        while (!at_end(s) && is_digit(*s->p)) {
            s->p++;
        }
    } else {
        return JSON_E_SYNTAX;
    }
    if (!at_end(s) && *s->p == '.') {
        s->p++;
        if (at_end(s)) {
            return JSON_E_TRUNCATED;
        }
        if (!is_digit(*s->p)) {
            return JSON_E_SYNTAX;
        }
        while (!at_end(s) && is_digit(*s->p)) {
            s->p++;
        }
    }
    if (!at_end(s) && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (!at_end(s) && (*s->p == '+' || *s->p == '-')) {
            s->p++;
        }
        if (at_end(s)) {
            return JSON_E_TRUNCATED;
        }
        if (!is_digit(*s->p)) {
            return JSON_E_SYNTAX;
        }
        while (!at_end(s) && is_digit(*s->p)) {
            s->p++;
        }
    }
    return JSON_OK;
}

static json_status scan_literal(scanner *s, const char *word) {
    for (; *word != '\0'; word++) {
        if (at_end(s)) {
            return JSON_E_TRUNCATED;
        }
        if (*s->p != *word) {
            return JSON_E_SYNTAX;
        }
        s->p++;
    }
    return JSON_OK;
}

static json_status scan_value(scanner *s, int depth, json_view *out);

/* The scanner is on '[' or '{'; leaves it past the matching bracket. */
static json_status scan_container(scanner *s, int depth, int is_object) {
    const char close = is_object ? '}' : ']';
    if (depth >= JSON_MAX_DEPTH) {
        return JSON_E_DEPTH;
    }
    s->p++;
    skip_ws(s);
    if (at_end(s)) {
        return JSON_E_TRUNCATED;
    }
    if (*s->p == close) {
        s->p++;
        return JSON_OK;
    }
    for (;;) {
        json_status st;
        if (is_object) {
            if (at_end(s)) {
                return JSON_E_TRUNCATED;
            }
            if (*s->p != '"') {
                return JSON_E_SYNTAX;
            }
            st = scan_string(s);
            if (st != JSON_OK) {
                return st;
            }
            skip_ws(s);
            if (at_end(s)) {
                return JSON_E_TRUNCATED;
            }
            if (*s->p != ':') {
                return JSON_E_SYNTAX;
            }
            s->p++;
            skip_ws(s);
        }
        st = scan_value(s, depth + 1, NULL);
        if (st != JSON_OK) {
            return st;
        }
        skip_ws(s);
        if (at_end(s)) {
            return JSON_E_TRUNCATED;
        }
        if (*s->p == close) {
            s->p++;
            return JSON_OK;
        }
        if (*s->p != ',') {
            return JSON_E_SYNTAX;
        }
        s->p++;
        skip_ws(s);
    }
}

/* The scanner is on the first byte of a value; leaves it just past it. */
static json_status scan_value(scanner *s, int depth, json_view *out) {
    if (at_end(s)) {
        return JSON_E_TRUNCATED;
    }
    const char *start = s->p;
    json_type type;
    json_status st;
    switch (*s->p) {
        case '{':
            type = JSON_OBJECT;
            st = scan_container(s, depth, 1);
            break;
        case '[':
            type = JSON_ARRAY;
            st = scan_container(s, depth, 0);
            break;
        case '"':
            type = JSON_STRING;
            st = scan_string(s);
            break;
        case 't':
            type = JSON_BOOL;
            st = scan_literal(s, "true");
            break;
        case 'f':
            type = JSON_BOOL;
            st = scan_literal(s, "false");
            break;
        case 'n':
            type = JSON_NULL;
            st = scan_literal(s, "null");
            break;
        default:
            if (*s->p != '-' && !is_digit(*s->p)) {
                return JSON_E_SYNTAX;
            }
            type = JSON_NUMBER;
            st = scan_number(s);
            break;
    }
    if (st == JSON_OK && out != NULL) {
        out->ptr = start;
        out->len = (size_t)(s->p - start);
        out->type = type;
    }
    return st;
}

json_status json_parse(const char *text, size_t len, json_view *out, size_t *error_offset) {
    if (text == NULL || out == NULL) {
        return JSON_E_ARGUMENT;
    }
    scanner s = {text, text + len};
    skip_ws(&s);
    json_status st = scan_value(&s, 0, out);
    if (st == JSON_OK) {
        skip_ws(&s);
        if (!at_end(&s)) {
            st = JSON_E_SYNTAX; /* trailing text after the value */
        }
    }
    if (st != JSON_OK && error_offset != NULL) {
        *error_offset = (size_t)(s.p - text);
    }
    return st;
}

json_status json_iter_init(json_view container, json_iter *it) {
    if (it == NULL) {
        return JSON_E_ARGUMENT;
    }
    it->pos = it->end = NULL;
    it->started = 0;
    it->is_object = (container.type == JSON_OBJECT);
    if (container.type != JSON_OBJECT && container.type != JSON_ARRAY) {
        it->status = JSON_E_TYPE;
        return it->status;
    }
    const char open = it->is_object ? '{' : '[';
    const char close = it->is_object ? '}' : ']';
    if (container.ptr == NULL || container.len < 2 || container.ptr[0] != open ||
        container.ptr[container.len - 1] != close) {
        it->status = JSON_E_SYNTAX;
        return it->status;
    }
    it->pos = container.ptr + 1;
    it->end = container.ptr + container.len - 1;
    it->status = JSON_OK;
    return JSON_OK;
}

int json_iter_next(json_iter *it, json_view *key, json_view *value) {
    if (it == NULL || it->status != JSON_OK || it->pos == NULL) {
        return 0;
    }
    /* The scanner stops at the closing bracket, so no item can run past the
     * container even in a view that did not come from json_parse(). */
    scanner s = {it->pos, it->end};
    json_view k = {NULL, 0, JSON_NULL};
    json_view v;
    json_status st;
    skip_ws(&s);
    if (at_end(&s)) {
        it->pos = s.p;
        return 0;
    }
    if (it->started) {
        if (*s.p != ',') {
            it->status = JSON_E_SYNTAX;
            return 0;
        }
        s.p++;
        skip_ws(&s);
        if (at_end(&s)) { /* a trailing comma */
            it->status = JSON_E_SYNTAX;
            return 0;
        }
    }
    if (it->is_object) {
        if (*s.p != '"') {
            it->status = JSON_E_SYNTAX;
            return 0;
        }
        st = scan_value(&s, 1, &k);
        if (st != JSON_OK) {
            it->status = st;
            return 0;
        }
        skip_ws(&s);
        if (at_end(&s) || *s.p != ':') {
            it->status = JSON_E_SYNTAX;
            return 0;
        }
        s.p++;
        skip_ws(&s);
    }
    st = scan_value(&s, 1, &v);
    if (st != JSON_OK) {
        it->status = st;
        return 0;
    }
    it->started = 1;
    it->pos = s.p;
    if (it->is_object && key != NULL) {
        *key = k;
    }
    if (value != NULL) {
        *value = v;
    }
    return 1;
}

json_status json_get(json_view object, const char *key, json_view *out) {
    if (key == NULL || out == NULL) {
        return JSON_E_ARGUMENT;
    }
    if (object.type != JSON_OBJECT) {
        return JSON_E_TYPE;
    }
    json_iter it;
    json_view k = {NULL, 0, JSON_NULL};
    json_view v;
    json_iter_init(object, &it);
    while (json_iter_next(&it, &k, &v)) {
        if (json_string_equals(k, key)) {
            *out = v;
            return JSON_OK;
        }
    }
    return it.status != JSON_OK ? it.status : JSON_E_NOT_FOUND;
}

/* Sets up a scanner just inside a string view's opening quote. */
static json_status open_string(json_view string, scanner *s) {
    if (string.type != JSON_STRING) {
        return JSON_E_TYPE;
    }
    if (string.ptr == NULL || string.len < 2 || string.ptr[0] != '"') {
        return JSON_E_SYNTAX;
    }
    s->p = string.ptr + 1;
    s->end = string.ptr + string.len;
    return JSON_OK;
}

json_status json_string_dup(json_view string, char **out, size_t *out_len) {
    if (out == NULL) {
        return JSON_E_ARGUMENT;
    }
    *out = NULL;
    scanner s;
    json_status st = open_string(string, &s);
    if (st != JSON_OK) {
        return st;
    }
    /* First pass: check and measure. Second pass: decode. */
    const scanner start = s;
    unsigned char buf[4];
    size_t total = 0;
    int n;
    while ((n = string_next(&s, buf, &st)) > 0) {
        total += (size_t)n;
    }
    if (n < 0) {
        return st;
    }
    char *text = malloc(total + 1);
    if (text == NULL) {
        return JSON_E_NO_MEMORY;
    }
    s = start;
    size_t used = 0;
    while ((n = string_next(&s, buf, &st)) > 0) {
        memcpy(text + used, buf, (size_t)n);
        used += (size_t)n;
    }
    text[used] = '\0';
    *out = text;
    if (out_len != NULL) {
        *out_len = used;
    }
    return JSON_OK;
}

int json_string_equals(json_view string, const char *text) {
    scanner s;
    if (text == NULL || open_string(string, &s) != JSON_OK) {
        return 0;
    }
    const unsigned char *want = (const unsigned char *)text;
    unsigned char buf[4];
    json_status st = JSON_OK;
    int n;
    while ((n = string_next(&s, buf, &st)) > 0) {
        for (int i = 0; i < n; i++) {
            /* A decoded NUL never matches: `text` ends at its first NUL. */
            if (*want == '\0' || *want != buf[i]) {
                return 0;
            }
            want++;
        }
    }
    return n == 0 && *want == '\0';
}

json_status json_bool(json_view value, int *out) {
    if (out == NULL) {
        return JSON_E_ARGUMENT;
    }
    if (value.type != JSON_BOOL || value.ptr == NULL) {
        return JSON_E_TYPE;
    }
    if (value.len == 4 && memcmp(value.ptr, "true", 4) == 0) {
        *out = 1;
    } else if (value.len == 5 && memcmp(value.ptr, "false", 5) == 0) {
        *out = 0;
    } else {
        return JSON_E_SYNTAX;
    }
    return JSON_OK;
}

json_status json_int64(json_view value, int64_t *out) {
    if (out == NULL) {
        return JSON_E_ARGUMENT;
    }
    if (value.type != JSON_NUMBER || value.ptr == NULL || value.len == 0) {
        return JSON_E_TYPE;
    }
    const char *p = value.ptr;
    const char *end = value.ptr + value.len;
    int negative = 0;
    if (*p == '-') {
        negative = 1;
        p++;
    }
    if (p == end) {
        return JSON_E_SYNTAX;
    }
    /* Accumulate the magnitude unsigned so INT64_MIN is representable. */
    const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t magnitude = 0;
    for (; p < end; p++) {
        if (!is_digit(*p)) {
            return (*p == '.' || *p == 'e' || *p == 'E') ? JSON_E_TYPE : JSON_E_SYNTAX;
        }
        uint64_t digit = (uint64_t)(*p - '0');
        if (magnitude > (limit - digit) / 10u) {
            return JSON_E_RANGE;
        }
        magnitude = magnitude * 10u + digit;
    }
    if (!negative) {
        *out = (int64_t)magnitude;
    } else if (magnitude == (uint64_t)INT64_MAX + 1u) {
        *out = INT64_MIN;
    } else {
        *out = -(int64_t)magnitude;
    }
    return JSON_OK;
}

const char *json_status_text(json_status status) {
    switch (status) {
        case JSON_OK:
            return "ok";
        case JSON_E_SYNTAX:
            return "malformed JSON";
        case JSON_E_TRUNCATED:
            return "JSON text ends too early";
        case JSON_E_DEPTH:
            return "JSON nested too deeply";
        case JSON_E_NOT_FOUND:
            return "member not found";
        case JSON_E_TYPE:
            return "value has an unexpected type";
        case JSON_E_RANGE:
            return "number out of range";
        case JSON_E_NO_MEMORY:
            return "out of memory";
        case JSON_E_ARGUMENT:
            return "invalid argument";
    }
    return "unknown JSON error";
}

size_t json_escape(const char *in, size_t in_len, char *out, size_t out_cap) {
    static const char hex[] = "0123456789abcdef";
    size_t need = 0;
    /* Stores a byte when it fits (keeping room for the NUL) and counts it
     * either way, so the return value is the full length. */
#define EMIT(ch)                                  \
    do {                                          \
        if (out_cap > 0 && need < out_cap - 1u) { \
            out[need] = (ch);                     \
        }                                         \
        need++;                                   \
    } while (0)

    EMIT('"');
    for (size_t i = 0; in != NULL && i < in_len; i++) {
        unsigned char c = (unsigned char)in[i];
        char short_form = 0;
        switch (c) {
            case '"':
                short_form = '"';
                break;
            case '\\':
                short_form = '\\';
                break;
            case '\b':
                short_form = 'b';
                break;
            case '\f':
                short_form = 'f';
                break;
            case '\n':
                short_form = 'n';
                break;
            case '\r':
                short_form = 'r';
                break;
            case '\t':
                short_form = 't';
                break;
            default:
                break;
        }
        if (short_form != 0) {
            EMIT('\\');
            EMIT(short_form);
        } else if (c < 0x20) {
            EMIT('\\');
            EMIT('u');
            EMIT('0');
            EMIT('0');
            EMIT(hex[c >> 4]);
            EMIT(hex[c & 0x0F]);
        } else {
            EMIT((char)c);
        }
    }
    EMIT('"');
#undef EMIT
    if (out_cap > 0) {
        out[need < out_cap ? need : out_cap - 1u] = '\0';
    }
    return need;
}
