/*
 * form.c - renders the page document as a text form for the example C host.
 * Everything shown comes from the plugin or its database, so control
 * characters are replaced before they reach the terminal.
 */
#include "form.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Help text wraps at this column in the form. */
#define FORM_WIDTH 78

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

int render_form(const char *registered_menu, const char *registered_title, json_view doc,
                const char *tenant, const json_view *settings) {
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
    const char *menu = registered_menu ? registered_menu : doc_menu ? doc_menu : "";
    const char *title = registered_title ? registered_title : doc_title ? doc_title : "";
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
