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
 * - Who reads a message: an error's message is written for the person the
 *   host shows it to. open_invoice's refusals are for the portal user who
 *   clicked: they never speak of administrators, menus or config, and say to
 *   contact the service provider where the user cannot help it (with the
 *   correlation id as the support id to quote; the log line with that id
 *   says what an administrator must do). The messages of get_page_schema,
 *   get_settings, save_settings, test_connection and the extensions are for
 *   the admin of the tenant's portal; those of create() for the host's
 *   engineer or operator.
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

    /* --- Appended after 0.1.0: read only when struct_size covers it. --- */

    /* Hands over a master key that the config names with
     * {"source": "host", "name": "<name>"} (in "master_key" or in
     * "master_keys"), so that the host can fetch it from its own secret
     * store (Vault, a cloud KMS, systemd credentials). Write the key's 32
     * bytes to out_key (room for key_capacity bytes), set *out_key_len to
     * the number written and return WISEPAY_OK. Any other status, a length
     * other than 32, or NULL here while the config names such a key makes
     * create() fail with WISEPAY_E_CONFIG naming the key. out_key is the
     * plugin's buffer, valid only during the call; the plugin wipes its copy
     * of the key when it no longer needs it (the host wipes its own).
     * Called only from create(), on the creating thread. May be NULL. */
    wisepay_status (*get_master_key)(void *host_data, const char *name, unsigned char *out_key,
                                     size_t key_capacity, size_t *out_key_len);
} wisepay_host;

/* Every struct a host fills has an *_INIT macro (libgit2's habit): it sets
 * struct_size and leaves every other field zero, so a host written for this
 * header keeps compiling, and keeps meaning the same, when fields are
 * appended:  wisepay_host host = WISEPAY_HOST_INIT; */
#define WISEPAY_HOST_INIT \
    { sizeof(wisepay_host), 0, 0, 0, 0 }

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

#define WISEPAY_SAVE_REQUEST_INIT \
    { sizeof(wisepay_save_request), 0, 0, 0, 0, 0 }

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

#define WISEPAY_INVOICE_REQUEST_INIT \
    { sizeof(wisepay_invoice_request), 0, 0, 0, 0, 0, 0 }

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

#define WISEPAY_TEST_REQUEST_INIT \
    { sizeof(wisepay_test_request), 0, 0, 0, 0 }

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
     * the page, but makes no connection to Wise-Pay (that happens on first
     * use; a PostgreSQL database is connected to, within deadline_ms).
     *
     * config_json (config_len bytes, need not be NUL-terminated):
     *   {
     *     exactly one of:
     *     "database_path": "/var/lib/host/wisepay.db",  (an SQLite file: one machine)
     *     "database_url": "postgresql://user@db/portal?sslmode=verify-full",
     *                               (a PostgreSQL database shared by a fleet; a
     *                               libpq URI or keyword string; never logged)
     *     "pool_size": 4,                      (optional, with database_url: 1-64
     *                               connections)
     *     exactly one of:
     *     "master_key": <key>,                 (the one master key)
     *     "master_keys": [<key>, ...],         (a ring: one marked "current": true
     *                               seals, the others only open; 1-16 keys)
     *       where <key> is {"source": "env",  "name": "WISEPAY_MASTER_KEY"}
     *                    | {"source": "file", "path": "...", "create": true}
     *                    | {"source": "hex",  "value": "<64 hex digits>"}
     *                    | {"source": "host", "name": "..."}  (get_master_key)
     *     "wisepay_base_url": "https://pay.example.com",     (required)
     *     "wisepay_portal_url": "https://pay.example.com",   (optional; where
     *                               sign-in redirects may point; default: base)
     *     "ca_file": "/path/ca.pem",           (optional; system CAs otherwise)
     *     "deadline_ms": 10000,                (optional; per-call default)
     *     "allow_insecure_http": false         (optional; plain http to
     *                               Wise-Pay, for local demos only)
     *   }
     * A master key is 32 bytes written as 64 hex digits (or handed over as
     * bytes by the host). A key file named with "create": true is made (mode
     * 0600, random key) when missing. A problem with the config is
     * WISEPAY_E_CONFIG with a message naming the key at fault (never a key or
     * a password); a database that cannot be opened is WISEPAY_E_STORAGE.
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
     *    "updated_at": ISO-8601 UTC | null, "updated_by": string | null,
     *    "health": {"state": "ok" | "key_rejected" | "upstream_disabled" |
     *                        "unreachable",
     *               "since": ISO-8601 UTC | null,
     *               "last_success_at": ISO-8601 UTC | null,
     *               "message": what the admin should do | null},
     *    "link_available": bool}
     * "health" is what the last invoice clicks found that an admin must act
     * on, shared by every instance on the database; a successful click or a
     * new key clears it. "link_available" says whether an invoice link can
     * work now (Enabled, a key, and Wise-Pay has not rejected the key or
     * switched the integration off): hosts show invoice links only then.
     * A tenant that never saved gets version 0, disabled, no key.
     * Release *out_json with free_string(). Thread-safety: safe from any
     * thread; sees every save committed before the call, by any instance or
     * process sharing the database. */
    wisepay_status (*get_settings)(wisepay_instance *instance, const char *tenant_id,
                                   char **out_json, wisepay_error **out_error);

    /* Validates and saves settings in one transaction, with an audit row
     * (actor, time, what changed; never the key). A save that brings a new
     * key first asks Wise-Pay about it (within deadline_ms): a key Wise-Pay
     * rejects is a field error on "api_key" and nothing is written; when
     * Wise-Pay cannot be reached, or the Desk Director integration is
     * switched off there, the key is saved and the answer says so in
     * "warnings". On WISEPAY_E_VALIDATION the error lists field errors; on
     * any failure nothing is written (but see "storage_commit_unknown" below).
     * On success *out_json (may be NULL) receives the new settings, in the
     * form get_settings returns, plus "warnings": [sentence, ...] when there
     * are some. A save whose commit was sent to a database server that then
     * went away fails with WISEPAY_E_STORAGE, code "storage_commit_unknown":
     * it may or may not have been stored, and the admin reloads first. Thread-safety: safe from any
     * thread; concurrent saves of one tenant are serialised and all but the first with a given
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
     * Refusals, each with a message for the portal user who clicked (see
     * "Who reads a message" above):
     *   WISEPAY_E_INVALID_ARGUMENT  code "invalid_email" / "invalid_invoice" /
     *                               "invalid_return_url" / "invalid_tenant_id"
     *   WISEPAY_E_NO_API_KEY        no key saved for the tenant
     *   WISEPAY_E_DISABLED          Enabled is not checked
     *   WISEPAY_E_PAYER_NOT_FOUND   no payer has that email; help_url is the
     *                               payer registration link when Wise-Pay
     *                               gives one on its portal
     *   WISEPAY_E_KEY_REJECTED      Wise-Pay rejects the saved key
     *   WISEPAY_E_UPSTREAM_DISABLED the integration is off in Wise-Pay
     *   WISEPAY_E_UNAVAILABLE       unreachable, too slow, 5xx, TLS failure
     *   WISEPAY_E_UPSTREAM_INVALID  an answer that cannot be trusted (redirect
     *                               off the portal, another payer, malformed)
     *   WISEPAY_E_CRYPTO, WISEPAY_E_STORAGE  the saved key cannot be opened,
     *                               the settings cannot be read
     * All but invalid arguments and an unknown payer carry a correlation id.
     * What a click finds about the key and Wise-Pay is kept as the tenant's
     * health (get_settings). The error's code tells the faults apart
     * (docs/wisepay-api.md). Blocks
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

/* ======================================================================== */
/* Extensions, reached through get_extension(id).                           */
/* ======================================================================== */
/*
 * An extension id is "wisepay.<name>/<n>": <name> in lower case with
 * hyphens, <n> the version of the table's layout, from 1. A table only ever
 * grows by appending functions (its first field, struct_size, says how far
 * it goes); a change of any function's meaning is a new <n>, and the plugin
 * keeps answering the old id for as long as it supports it. get_extension
 * returns NULL for an id it does not know, so a host checks before use:
 *
 *   const wisepay_settings_view_api *view =
 *       api->get_extension(WISEPAY_EXT_SETTINGS_VIEW);
 *   if (view != NULL) { ... }
 *
 * Every extension call follows the conventions of the table above (status,
 * error objects, outputs reset on entry and owned by the plugin, no
 * exception or abort crosses, safe from many threads at once unless said
 * otherwise, calls on an instance from a forked child refused).
 */

/* ------------------------------------------------------------------------ */
/* "wisepay.settings-view/1": a tenant's settings as typed fields.          */
/* ------------------------------------------------------------------------ */

#define WISEPAY_EXT_SETTINGS_VIEW "wisepay.settings-view/1"

/* What an admin must act on, kept by the plugin per tenant and shared by
 * every instance on the same database. A successful click or a newly saved
 * key clears it. */
typedef enum wisepay_health {
    WISEPAY_HEALTH_OK = 0,                /* nothing to act on */
    WISEPAY_HEALTH_KEY_REJECTED = 1,      /* Wise-Pay rejects the saved key */
    WISEPAY_HEALTH_UPSTREAM_DISABLED = 2, /* Desk Director is off in Wise-Pay */
    WISEPAY_HEALTH_UNREACHABLE = 3        /* the last clicks could not reach Wise-Pay */
} wisepay_health;

typedef struct wisepay_settings_view {
    uint32_t struct_size;    /* sizeof(wisepay_settings_view) as the plugin built it */
    int64_t version;         /* 0: the tenant never saved */
    int enabled;             /* 1: Enabled is ticked */
    int api_key_set;         /* 1: a key is saved */
    char api_key_last4[8];   /* its last four characters, NUL-terminated; "" when none */
    int64_t updated_at_unix; /* seconds since the epoch, UTC; 0 when never saved */
    const char *updated_by;  /* who saved last; "" when never saved */
    wisepay_health health;
    int64_t health_since_unix; /* when the problem began; 0 when healthy */
    int64_t last_success_unix; /* the last click known to have worked; 0 when none */
    /* For the admin: what is wrong and what to do, e.g. "Wise-Pay rejects
     * the saved API key. Copy the key again from Wise-Pay (Configure >
     * Merchants > Integrations > Desk Director > Display) and save it.";
     * "" when healthy. Never for portal users. */
    const char *health_message;
    /* 1 when an invoice link can work now (Enabled, a key saved, and Wise-Pay
     * has not rejected the key or switched the integration off): a host
     * shows invoice links only then, without any network call. */
    int link_available;
} wisepay_settings_view;

typedef struct wisepay_settings_view_api {
    uint32_t struct_size; /* sizeof(wisepay_settings_view_api) as the plugin built it */

    /* The tenant's settings and health, as get_settings sees them (every
     * save committed before the call). *out_view is released with
     * free_view(). Thread-safety: safe from any thread. */
    wisepay_status (*get)(wisepay_instance *instance, const char *tenant_id,
                          wisepay_settings_view **out_view, wisepay_error **out_error);

    /* Releases a view. NULL is a no-op. Thread-safety: safe from any thread. */
    void (*free_view)(wisepay_settings_view *view);
} wisepay_settings_view_api;

/* ------------------------------------------------------------------------ */
/* "wisepay.audit/1": the audit trail of a tenant's saves.                  */
/* ------------------------------------------------------------------------ */

#define WISEPAY_EXT_AUDIT "wisepay.audit/1"

typedef struct wisepay_audit_request {
    uint32_t struct_size;
    const char *tenant_id;
    uint32_t limit;    /* entries per page, 1-100; 0: 20 */
    int64_t before_id; /* 0: the newest page; else next_before_id of the last page */
} wisepay_audit_request;

#define WISEPAY_AUDIT_REQUEST_INIT \
    { sizeof(wisepay_audit_request), 0, 0, 0 }

typedef struct wisepay_audit_entry {
    int64_t id;               /* increases with every entry of the database */
    int64_t version;          /* the settings version the change made */
    const char *actor;        /* who made it */
    int64_t at_unix;          /* when, seconds since the epoch, UTC */
    const char *summary;      /* in words, e.g. "Enabled turned on; API key replaced" */
    const char *changes_json; /* the same as JSON: {"enabled":{"from":false,"to":true},
                                 "api_key":"set"|"replaced"|"removed"|"re-sealed"} */
} wisepay_audit_entry;

typedef struct wisepay_audit_page {
    uint32_t struct_size; /* sizeof(wisepay_audit_page) as the plugin built it */
    size_t count;
    const wisepay_audit_entry *entries; /* newest first; NULL when count is 0 */
    int64_t next_before_id;             /* before_id for the next, older page; 0 when none */
} wisepay_audit_page;

typedef struct wisepay_audit_api {
    uint32_t struct_size; /* sizeof(wisepay_audit_api) as the plugin built it */

    /* One page of the tenant's audit trail, newest first. Entries never hold
     * the API key, only that it was set, replaced, removed or re-sealed.
     * *out_page is released with free_page(). Thread-safety: safe from any
     * thread. */
    wisepay_status (*list)(wisepay_instance *instance, const wisepay_audit_request *request,
                           wisepay_audit_page **out_page, wisepay_error **out_error);

    /* Releases a page. NULL is a no-op. Thread-safety: safe from any thread. */
    void (*free_page)(wisepay_audit_page *page);
} wisepay_audit_api;

/* ------------------------------------------------------------------------ */
/* "wisepay.maintenance/1": moving to PostgreSQL, re-sealing under a new    */
/* master key. For operators' tools, not for the page.                      */
/* ------------------------------------------------------------------------ */

#define WISEPAY_EXT_MAINTENANCE "wisepay.maintenance/1"

typedef struct wisepay_copy_request {
    uint32_t struct_size;
    /* The SQLite database file of a single-node deployment, sealed under a
     * master key this instance has. */
    const char *sqlite_path;
} wisepay_copy_request;

#define WISEPAY_COPY_REQUEST_INIT \
    { sizeof(wisepay_copy_request), 0 }

typedef struct wisepay_copy_report {
    uint32_t struct_size;
    uint64_t tenants;    /* settings rows copied */
    uint64_t audit_rows; /* audit rows copied */
} wisepay_copy_report;

typedef struct wisepay_reseal_request {
    uint32_t struct_size;
    const char *actor;    /* for the audit rows, e.g. "ops@portal.example" */
    uint32_t max_tenants; /* stop after re-sealing this many; 0: all */
    uint32_t deadline_ms; /* for each tenant; 0: the config's default */
} wisepay_reseal_request;

#define WISEPAY_RESEAL_REQUEST_INIT \
    { sizeof(wisepay_reseal_request), 0, 0, 0 }

typedef struct wisepay_key_count {
    const char *key_id; /* a master key id as stored beside sealed keys */
    uint64_t count;     /* tenants whose key is sealed under it */
} wisepay_key_count;

typedef struct wisepay_reseal_report {
    uint32_t struct_size;
    const char *current_key_id; /* the key every tenant is being moved under */
    uint64_t resealed;          /* tenants this call moved */
    uint64_t remaining;         /* tenants still under another key */
    size_t remaining_by_key_count;
    const wisepay_key_count *remaining_by_key; /* one entry per other key id */
} wisepay_reseal_report;

typedef struct wisepay_maintenance_api {
    uint32_t struct_size; /* sizeof(wisepay_maintenance_api) as the plugin built it */

    /* Copies every tenant's settings and audit trail from a single-node
     * SQLite database into this instance's database (normally PostgreSQL),
     * as they are: sealed keys untouched (each must open under this
     * instance's master keys, else nothing is copied), versions, times and
     * the audit trail kept. Refuses (WISEPAY_E_CONFLICT, code
     * "tenant_exists", nothing written) when any of the tenants already has
     * settings here; all or nothing. *out_report is released with
     * free_copy_report(). Thread-safety: safe from any thread; hosts may go on
     * serving during it. */
    wisepay_status (*copy_from_sqlite)(wisepay_instance *instance,
                                       const wisepay_copy_request *request,
                                       wisepay_copy_report **out_report, wisepay_error **out_error);

    /* Re-seals every tenant's API key that is sealed under a master key other
     * than the current one, tenant by tenant, each in a transaction of its
     * own with an audit row ("API key re-sealed under <id>"). Safe while
     * hosts serve clicks and saves (a tenant saved meanwhile is left to the
     * save, which seals under the current key anyway), safe to interrupt and
     * run again. A key sealed under a master key this instance does not have
     * is left as it is while the others move; the call then fails with
     * WISEPAY_E_CRYPTO ("master_key_missing") naming that key id, and the
     * tenants moved stay moved. *out_report is released with
     * free_reseal_report().
     * Thread-safety: safe from any thread. */
    wisepay_status (*reseal_keys)(wisepay_instance *instance, const wisepay_reseal_request *request,
                                  wisepay_reseal_report **out_report, wisepay_error **out_error);

    /* Release the reports. NULL is a no-op. Thread-safety: any thread. */
    void (*free_copy_report)(wisepay_copy_report *report);
    void (*free_reseal_report)(wisepay_reseal_report *report);
} wisepay_maintenance_api;

#ifdef __cplusplus
}
#endif

#endif /* WISEPAY_PLUGIN_H */
