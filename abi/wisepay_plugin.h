/*
 * wisepay_plugin.h - the public C ABI of the Wise-Pay integration plugin.
 *
 * This is the only header a host compiles against. It is plain C99 and
 * depends on nothing but <stddef.h> and <stdint.h>.
 *
 * How a host uses the plugin
 * --------------------------
 *   void *so = dlopen("libwisepay_plugin.so", RTLD_NOW | RTLD_LOCAL);
 *   void *symbol = dlsym(so, WISEPAY_PLUGIN_ENTRY_SYMBOL);
 *   wisepay_plugin_entry_fn entry;
 *   memcpy(&entry, &symbol, sizeof entry);  (ISO C has no cast from an
 *                                            object to a function pointer)
 *   const wisepay_plugin_api *api = entry(WISEPAY_ABI_VERSION);
 *   if (!api) { ... the plugin does not speak this host's ABI ... }
 *   api->create(&host, config, strlen(config), &instance, &err);
 *   ...
 *   api->destroy(instance);
 *
 * Conventions that hold for every function in the table
 * -----------------------------------------------------
 * - Status: every call returns a wisepay_status. WISEPAY_OK means success.
 * - Errors: calls that can fail take `wisepay_error **out_error`. The host
 *   may pass NULL when it does not want details. Otherwise *out_error is set
 *   to NULL on success and to a plugin-owned error object on failure, which
 *   the host releases with api->free_error(). The error's status always
 *   equals the returned status. (Only when memory is exhausted may a failure
 *   leave *out_error NULL.)
 * - Strings are UTF-8. A `const char *` input is NUL-terminated unless a
 *   length is passed beside it. Inputs are only read during the call; the
 *   plugin keeps no pointer to host memory after a call returns (the
 *   wisepay_host table itself is copied by create()).
 * - Outputs: every buffer or object the plugin returns is owned by the
 *   plugin and released by the host with the matching free function of this
 *   table (free_string, free_error, free_redirect), never with free().
 * - Structs that cross the boundary start with `struct_size`, which the
 *   caller sets to sizeof(the struct) as it knows it. Later versions only
 *   append fields, so an older host keeps working.
 * - No C++ exception and no abort ever leaves the plugin. NULL or malformed
 *   arguments give WISEPAY_E_INVALID_ARGUMENT, never a crash.
 * - Secrets: the API key is write-only. It is never returned, logged or put
 *   in an error message; reads report only that a key is set and its last
 *   four characters.
 * - Threads: an instance may be called from many host threads at once,
 *   except create() and destroy(), which the host must not overlap with any
 *   other call on the same instance.
 * - fork(): an instance belongs to the process that created it, with its
 *   database and network connections. In a child made by fork(), every call
 *   on an instance the parent created returns WISEPAY_E_INVALID_ARGUMENT
 *   (code "instance_from_parent_process") and touches nothing, and destroy()
 *   of it only forgets it (the parent's connections stay open in the
 *   parent). The child may create instances of its own and use them.
 *
 * What the plugin checks: NULL for any pointer argument or request field
 * (except those documented "may be NULL"), a struct_size that cuts off a
 * field this version reads, an ABI version other than 1 (the entry returns
 * NULL), text that is not UTF-8, and inputs of any length (10 MB tested):
 * each gives an error object, never a crash, and changes nothing stored.
 *
 * Undefined behaviour that the plugin cannot detect:
 * - calling any function with an instance after destroy() (or one that
 *   create() did not return), or overlapping destroy() with other calls;
 * - freeing a plugin object twice, with the wrong free function, or with
 *   free();
 * - a pointer that does not point at readable memory of the size claimed:
 *   a struct_size larger than the struct passed, a length beside a string
 *   larger than its buffer, or a string documented NUL-terminated without
 *   its NUL;
 * - a host callback that calls back into the plugin, or that does not
 *   return;
 * - unloading the library (dlclose) while an instance is alive or a call
 *   is running.
 */
#ifndef WISEPAY_PLUGIN_H
#define WISEPAY_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. A host passes it to the entry. */
#define WISEPAY_ABI_VERSION 1u

/* The one symbol the shared library exports. */
#define WISEPAY_PLUGIN_ENTRY_SYMBOL "wisepay_plugin_entry"

#if defined(_WIN32)
#define WISEPAY_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define WISEPAY_EXPORT __attribute__((visibility("default")))
#else
#define WISEPAY_EXPORT
#endif

/* ------------------------------------------------------------------------ */
/* Status codes. Values are stable: new codes are only ever appended.       */
/* ------------------------------------------------------------------------ */

typedef enum wisepay_status {
    WISEPAY_OK = 0,
    /* A NULL pointer, a wrong struct_size, or a malformed argument. */
    WISEPAY_E_INVALID_ARGUMENT = 1,
    /* The settings sent do not validate; see the error's field_errors. */
    WISEPAY_E_VALIDATION = 2,
    /* The settings were saved by someone else since the version named. */
    WISEPAY_E_CONFLICT = 3,
    /* The host config passed to create() is invalid. */
    WISEPAY_E_CONFIG = 4,
    /* The settings database could not be opened, read or written. */
    WISEPAY_E_STORAGE = 5,
    /* A sealed API key could not be opened (wrong or rotated master key). */
    WISEPAY_E_CRYPTO = 6,
    /* The call is declared in this ABI but not available in this build
     * (reserved: every call of ABI version 1 is implemented). */
    WISEPAY_E_NOT_IMPLEMENTED = 7,
    /* The integration is not enabled for this tenant. */
    WISEPAY_E_DISABLED = 8,
    /* No API key is saved for this tenant. */
    WISEPAY_E_NO_API_KEY = 9,
    /* Wise-Pay has no payer with the logged-in user's email. */
    WISEPAY_E_PAYER_NOT_FOUND = 10,
    /* Wise-Pay rejected the merchant API key. */
    WISEPAY_E_KEY_REJECTED = 11,
    /* The Desk Director integration is switched off in Wise-Pay. */
    WISEPAY_E_UPSTREAM_DISABLED = 12,
    /* Wise-Pay could not be reached or did not answer within the deadline. */
    WISEPAY_E_UNAVAILABLE = 13,
    /* Wise-Pay answered with something the plugin cannot trust or parse. */
    WISEPAY_E_UPSTREAM_INVALID = 14,
    /* Memory could not be allocated. */
    WISEPAY_E_OUT_OF_MEMORY = 15,
    /* A bug in the plugin; the message carries a correlation id. */
    WISEPAY_E_INTERNAL = 16
} wisepay_status;

/* ------------------------------------------------------------------------ */
/* Error object: stable code, a message for its reader, field errors.     */
/* ------------------------------------------------------------------------ */

/* One validation problem, shown by the host beside the field it names. */
typedef struct wisepay_field_error {
    const char *field;   /* property name from the page schema, e.g. "api_key" */
    const char *message; /* sentence for the admin, e.g. "Enter the API key." */
} wisepay_field_error;

typedef struct wisepay_error {
    uint32_t struct_size;     /* sizeof(wisepay_error) as the plugin built it */
    wisepay_status status;    /* same as the status the call returned */
    const char *code;         /* stable snake_case id, e.g. "payer_not_found" */
    const char *message;      /* for the admin or end user; never holds a secret */
    size_t field_error_count; /* 0 unless status == WISEPAY_E_VALIDATION */
    const wisepay_field_error *field_errors;
    const char *correlation_id; /* id to quote to support; "" when none */
    const char *help_url;       /* e.g. the payer registration link; NULL when none */
} wisepay_error;

/* ------------------------------------------------------------------------ */
/* Host table: what the host gives the plugin at create().                  */
/* ------------------------------------------------------------------------ */

typedef enum wisepay_log_level {
    WISEPAY_LOG_DEBUG = 0,
    WISEPAY_LOG_INFO = 1,
    WISEPAY_LOG_WARNING = 2,
    WISEPAY_LOG_ERROR = 3
} wisepay_log_level;

/* The integration page the plugin registers with the host. */
typedef struct wisepay_page {
    uint32_t struct_size;
    const char *page_id;     /* stable id, "wisepay" */
    const char *menu;        /* menu the page belongs under, "Integrations" */
    const char *title;       /* page title, "Wise-Pay" */
    const char *schema_json; /* the page document, as get_page_schema returns it */
    size_t schema_json_len;
} wisepay_page;

typedef struct wisepay_host {
    uint32_t struct_size; /* sizeof(wisepay_host) */

    /* Opaque pointer handed back to each callback. */
    void *host_data;

    /* Receives one log line, NUL-terminated, without trailing newline.
     * Called from whichever thread made the call that logs, possibly from
     * several threads at once; must not call back into the plugin. Never
     * receives a secret. The message is valid only during the callback.
     * May be NULL: the plugin then stays silent. */
    void (*log)(void *host_data, wisepay_log_level level, const char *message);

    /* Called once from create(), on the creating thread, to register the
     * integration page. The page and its strings are valid only during the
     * callback: the host copies what it keeps. Returning anything other than
     * WISEPAY_OK makes create() fail, code "page_registration_refused": with
     * the status returned when it is a wisepay_status, else with
     * WISEPAY_E_INVALID_ARGUMENT. May be NULL for hosts that fetch the page
     * with get_page_schema() instead. */
    wisepay_status (*register_page)(void *host_data, const wisepay_page *page);
} wisepay_host;

/* ------------------------------------------------------------------------ */
/* Requests and results.                                                    */
/* ------------------------------------------------------------------------ */

/* One admin's "Save Settings". */
typedef struct wisepay_save_request {
    uint32_t struct_size;
    const char *tenant_id; /* 1-64 of [A-Za-z0-9._-], starting alphanumeric */
    const char *actor;     /* who saves, for the audit trail (e.g. admin email) */
    /* The version the admin loaded with get_settings ("version" field);
     * 0 when the tenant has never saved. A different stored version makes
     * the save a WISEPAY_E_CONFLICT and nothing is written. */
    int64_t expected_version;
    /* JSON object following the page schema:
     *   "api_key": string  - set or replace the key (white space trimmed)
     *   "api_key": null    - remove the saved key explicitly
     *   (absent)           - keep the saved key
     *   "enabled": boolean - (absent keeps the saved value) */
    const char *settings_json;
    size_t settings_json_len;
} wisepay_save_request;

/* One click on an invoice link by a logged-in portal user. */
typedef struct wisepay_invoice_request {
    uint32_t struct_size;
    const char *tenant_id;
    const char *user_email;     /* the logged-in portal user's email */
    const char *invoice_id;     /* the host's invoice id */
    const char *invoice_number; /* the number shown to the user; may be NULL */
    const char *return_url;     /* where Wise-Pay sends the user back; may be NULL */
    uint32_t deadline_ms;       /* 0: the config's default deadline */
} wisepay_invoice_request;

/* Where to send the user's browser. */
typedef struct wisepay_redirect {
    uint32_t struct_size;
    /* Single-use sign-in URL. It is a credential: the host must not log,
     * cache or store it; it hands it straight to the browser. */
    const char *url;
    int64_t expires_at_unix; /* seconds since the epoch, UTC */
    int open_in_new_tab;     /* 1: open with target=_blank rel="noopener noreferrer" */
    const char *correlation_id;
} wisepay_redirect;

/* "Test connection" on the settings page. */
typedef struct wisepay_test_request {
    uint32_t struct_size;
    const char *tenant_id;
    /* A key typed but not yet saved, or NULL to test the saved key. Not
     * NUL-terminated: api_key_len bytes are read. */
    const char *api_key;
    size_t api_key_len;
    uint32_t deadline_ms; /* 0: the config's default deadline */
} wisepay_test_request;

/* ------------------------------------------------------------------------ */
/* The function table.                                                      */
/* ------------------------------------------------------------------------ */

typedef struct wisepay_instance wisepay_instance; /* opaque */

typedef struct wisepay_plugin_api {
    uint32_t struct_size;       /* sizeof(wisepay_plugin_api) as the plugin built it */
    uint32_t abi_version;       /* WISEPAY_ABI_VERSION the plugin implements */
    const char *plugin_id;      /* "com.wisepay.deskdirector" */
    const char *plugin_version; /* semantic version, e.g. "0.1.0" */

    /* Creates an instance. Cheap: opens the settings database and registers
     * the page, but makes no network connection (that happens on first use).
     *
     * config_json (config_len bytes, need not be NUL-terminated):
     *   {
     *     "database_path": "/var/lib/host/wisepay.db",      (required)
     *     "master_key": {"source": "env",  "name": "WISEPAY_MASTER_KEY"}
     *                 | {"source": "file", "path": "...", "create": true}
     *                 | {"source": "hex",  "value": "<64 hex digits>"},
     *                                                        (required)
     *     "wisepay_base_url": "https://pay.example.com",     (required)
     *     "wisepay_portal_url": "https://pay.example.com",   (optional; where
     *                               sign-in redirects may point; default: base)
     *     "ca_file": "/path/ca.pem",           (optional; system CAs otherwise)
     *     "deadline_ms": 10000,                (optional; per-call default)
     *     "allow_insecure_http": false         (optional; plain http to
     *                               Wise-Pay, for local demos only)
     *   }
     * The master key is 32 bytes written as 64 hex digits. A key file named
     * with "create": true is made (mode 0600, random key) when missing.
     *
     * The host table is copied; its callbacks must stay callable until
     * destroy() returns. On success *out_instance is set; on failure it is
     * set to NULL and nothing is left open.
     * Thread-safety: may be called from any thread; not concurrently with
     * destroy() of the same instance. */
    wisepay_status (*create)(const wisepay_host *host, const char *config_json, size_t config_len,
                             wisepay_instance **out_instance, wisepay_error **out_error);

    /* Destroys an instance and everything it holds. NULL is a no-op. The
     * plugin never calls the host after destroy() returns.
     * Thread-safety: the host must ensure no other call on this instance is
     * running or will start. */
    void (*destroy)(wisepay_instance *instance);

    /* Returns the integration page document, NUL-terminated JSON:
     *   {"page_id", "menu", "title",
     *    "schema": JSON Schema draft 2020-12 of the settings object,
     *    "ui": {"order": [...], "fields": {id: {label, widget, help}},
     *           "actions": [{id, label, ...}]}}
     * *out_json is released with free_string(); *out_len (may be NULL)
     * receives its length. Thread-safety: safe from any thread. */
    wisepay_status (*get_page_schema)(wisepay_instance *instance, char **out_json, size_t *out_len,
                                      wisepay_error **out_error);

    /* Returns a tenant's settings as NUL-terminated JSON:
     *   {"tenant_id", "version", "enabled",
     *    "api_key": {"set": bool, "last4": "abcd" | null},
     *    "updated_at": ISO-8601 UTC | null, "updated_by": string | null}
     * A tenant that never saved gets version 0, disabled, no key.
     * Release *out_json with free_string(). Thread-safety: safe from any
     * thread; sees every save committed before the call, by any instance or
     * process sharing the database. */
    wisepay_status (*get_settings)(wisepay_instance *instance, const char *tenant_id,
                                   char **out_json, wisepay_error **out_error);

    /* Validates and saves settings in one transaction, with an audit row
     * (actor, time, what changed; never the key). On WISEPAY_E_VALIDATION the
     * error lists field errors; on any failure nothing is written. On
     * success *out_json (may be NULL) receives the new settings, in the form
     * get_settings returns. Thread-safety: safe from any thread; concurrent
     * saves of one tenant are serialised and all but the first with a given
     * expected_version get WISEPAY_E_CONFLICT. */
    wisepay_status (*save_settings)(wisepay_instance *instance, const wisepay_save_request *request,
                                    char **out_json, wisepay_error **out_error);

    /* "Test connection": checks request->api_key (a key typed but not yet
     * saved; trimmed and validated like a save, so a malformed one gives
     * WISEPAY_E_VALIDATION on "api_key") or, when it is NULL, the tenant's
     * saved key, against Wise-Pay. On success *out_json receives
     * {"ok": true, "merchant_id": "...", "merchant_name": "..."}; release it
     * with free_string(). Failures: WISEPAY_E_NO_API_KEY,
     * WISEPAY_E_KEY_REJECTED, WISEPAY_E_UPSTREAM_DISABLED (the message names
     * the merchant), WISEPAY_E_UNAVAILABLE, WISEPAY_E_UPSTREAM_INVALID.
     * Blocks for at most the deadline. Thread-safety: safe from any thread. */
    wisepay_status (*test_connection)(wisepay_instance *instance,
                                      const wisepay_test_request *request, char **out_json,
                                      wisepay_error **out_error);

    /* The invoice link: asks Wise-Pay for a single-use sign-in URL for the
     * payer whose email equals request->user_email (surrounding white space
     * trimmed, ASCII case ignored) and returns the redirect, which the host
     * opens in a new tab. Release *out_redirect with free_redirect(), which
     * also wipes the URL.
     * Refusals, each with a message fit for the end user:
     *   WISEPAY_E_INVALID_ARGUMENT  code "invalid_email" / "invalid_invoice" /
     *                               "invalid_return_url" / "invalid_tenant_id"
     *   WISEPAY_E_NO_API_KEY        no key saved for the tenant
     *   WISEPAY_E_DISABLED          Enabled is not checked
     *   WISEPAY_E_PAYER_NOT_FOUND   no payer has that email; help_url is the
     *                               payer registration link when Wise-Pay
     *                               gives one on its portal
     *   WISEPAY_E_KEY_REJECTED      the saved key is rejected (for the admin)
     *   WISEPAY_E_UPSTREAM_DISABLED the integration is off in Wise-Pay
     *   WISEPAY_E_UNAVAILABLE       unreachable, too slow, 5xx, TLS failure
     *   WISEPAY_E_UPSTREAM_INVALID  an answer that cannot be trusted (redirect
     *                               off the portal, another payer, malformed)
     * The error's code tells the faults apart (docs/wisepay-api.md). Blocks
     * for at most the deadline; retries within it where that is safe.
     * Thread-safety: safe from any thread; many clicks run in parallel. */
    wisepay_status (*open_invoice)(wisepay_instance *instance,
                                   const wisepay_invoice_request *request,
                                   wisepay_redirect **out_redirect, wisepay_error **out_error);

    /* Returns counters as NUL-terminated JSON:
     *   {"calls": {name: {outcome: count}}, "latency_us": {name: {p50, p90,
     *   p99, max}}}. Release with free_string(). Thread-safety: safe from
     *   any thread. */
    wisepay_status (*get_stats)(wisepay_instance *instance, char **out_json,
                                wisepay_error **out_error);

    /* Later interfaces are reached by id (CLAP's get_factory): returns a
     * table whose layout the id's documentation defines, or NULL when this
     * plugin lacks it. Thread-safety: safe from any thread. */
    const void *(*get_extension)(const char *extension_id);

    /* Release what the plugin returned. NULL is a no-op for each.
     * Thread-safety: safe from any thread. */
    void (*free_string)(char *string);
    void (*free_error)(wisepay_error *error);
    void (*free_redirect)(wisepay_redirect *redirect);
} wisepay_plugin_api;

/* The entry symbol. Returns the function table for host_abi_version, or
 * NULL when the plugin cannot serve a host built for that version. The
 * table is static: valid until the library is unloaded. Thread-safety: safe
 * from any thread; does no I/O and allocates nothing. */
typedef const wisepay_plugin_api *(*wisepay_plugin_entry_fn)(uint32_t host_abi_version);

WISEPAY_EXPORT const wisepay_plugin_api *wisepay_plugin_entry(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* WISEPAY_PLUGIN_H */
