/*
 * commands.c - the example C host's commands: the requests it builds from
 * the options, the calls through the plugin's table, and what it prints.
 * Every object the plugin hands out is released with the table's own free
 * functions.
 */
#include "commands.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "json_view.h"

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

int report_error(const wisepay_plugin_api *api, wisepay_status status, wisepay_error *err) {
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

int cmd_schema(const wisepay_plugin_api *api, wisepay_instance *inst) {
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

int cmd_show(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o) {
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

int cmd_save(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o,
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

int cmd_test_connection(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o,
                        const secret *key) {
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

int cmd_click(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o) {
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

int cmd_form(const wisepay_plugin_api *api, wisepay_instance *inst, const host_state *h,
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
    int rc = render_form(h->menu, h->title, doc, tenant, tenant != NULL ? &settings : NULL);
    api->free_string(settings_json);
    return rc;
}
