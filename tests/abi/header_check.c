/* Compiled as C99 with -Wall -Wextra -Werror -pedantic (and as C++): the
 * public header must stand alone, and the struct layouts a host was built
 * against must never move. Changing any number below is an ABI break. */
#include "abi/wisepay_plugin.h"

#include <stddef.h>
#include <string.h>

/* C99 has no _Static_assert: a negative array size fails the build. */
#define PIN(name, condition) typedef char pin_##name[(condition) ? 1 : -1]

#if defined(__x86_64__) || defined(__aarch64__)
PIN(field_error_size, sizeof(wisepay_field_error) == 16);
PIN(error_size, sizeof(wisepay_error) == 56);
PIN(error_status, offsetof(wisepay_error, status) == 4);
PIN(error_fields, offsetof(wisepay_error, field_errors) == 32);
PIN(error_help, offsetof(wisepay_error, help_url) == 48);
PIN(page_size, sizeof(wisepay_page) == 48);
PIN(host_size, sizeof(wisepay_host) == 32);
PIN(host_log, offsetof(wisepay_host, log) == 16);
PIN(host_register, offsetof(wisepay_host, register_page) == 24);
PIN(save_size, sizeof(wisepay_save_request) == 48);
PIN(save_version, offsetof(wisepay_save_request, expected_version) == 24);
PIN(invoice_size, sizeof(wisepay_invoice_request) == 56);
PIN(invoice_deadline, offsetof(wisepay_invoice_request, deadline_ms) == 48);
PIN(redirect_size, sizeof(wisepay_redirect) == 40);
PIN(redirect_tab, offsetof(wisepay_redirect, open_in_new_tab) == 24);
PIN(test_size, sizeof(wisepay_test_request) == 40);
PIN(api_size, sizeof(wisepay_plugin_api) == 120);
PIN(api_create, offsetof(wisepay_plugin_api, create) == 24);
PIN(api_open_invoice, offsetof(wisepay_plugin_api, open_invoice) == 24 + 6 * 8);
PIN(api_free_redirect, offsetof(wisepay_plugin_api, free_redirect) == 112);
#endif

PIN(status_values, WISEPAY_OK == 0 && WISEPAY_E_VALIDATION == 2 && WISEPAY_E_NOT_IMPLEMENTED == 7 &&
                       WISEPAY_E_PAYER_NOT_FOUND == 10 && WISEPAY_E_INTERNAL == 16);
PIN(abi_version, WISEPAY_ABI_VERSION == 1);

/* A host's typical use compiles without casts beyond the dlsym one. */
int host_example(wisepay_plugin_entry_fn entry);
int host_example(wisepay_plugin_entry_fn entry) {
    const wisepay_plugin_api *api = entry(WISEPAY_ABI_VERSION);
    wisepay_error *error = NULL;
    wisepay_instance *instance = NULL;
    wisepay_host host;
    memset(&host, 0, sizeof host);
    host.struct_size = sizeof host;
    if (api == NULL)
        return 1;
    if (api->create(&host, "{}", 2, &instance, &error) != WISEPAY_OK) {
        api->free_error(error);
        return 1;
    }
    api->destroy(instance);
    return 0;
}
