/*
 * host_table.c - what the plugin calls back into in the example C host:
 * log lines go to stderr, and the registered page is copied, since it is
 * only valid during the callback.
 */
#include "host_table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void host_state_free(host_state *h) {
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
void on_log(void *host_data, wisepay_log_level level, const char *message) {
    (void)host_data;
    fprintf(stderr, "[%s] %s\n", level_name(level), message != NULL ? message : "");
}

wisepay_status on_register_page(void *host_data, const wisepay_page *page) {
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
