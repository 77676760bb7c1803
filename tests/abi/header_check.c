/* Compiled as C99 with -Wall -Wextra -Werror -pedantic (and as C++): the
 * public header must stand alone, and the struct layouts a host was built
 * against must never move. Changing any number below is an ABI break. */
#include "abi/wisepay_plugin.h"

#include <stddef.h>

/* C99 has no _Static_assert: a negative array size fails the build. */
#define PIN(name, condition) typedef char pin_##name[(condition) ? 1 : -1]

#if defined(__x86_64__) || defined(__aarch64__)
PIN(field_error_size, sizeof(wisepay_field_error) == 16);
PIN(error_size, sizeof(wisepay_error) == 56);
PIN(error_status, offsetof(wisepay_error, status) == 4);
PIN(error_fields, offsetof(wisepay_error, field_errors) == 32);
PIN(error_help, offsetof(wisepay_error, help_url) == 48);
PIN(page_size, sizeof(wisepay_page) == 48);
PIN(host_size, sizeof(wisepay_host) == 40);
PIN(host_log, offsetof(wisepay_host, log) == 16);
PIN(host_register, offsetof(wisepay_host, register_page) == 24);
PIN(host_get_master_key, offsetof(wisepay_host, get_master_key) == 32);
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
PIN(view_size, sizeof(wisepay_settings_view) == 88);
PIN(view_last4, offsetof(wisepay_settings_view, api_key_last4) == 24);
PIN(view_health, offsetof(wisepay_settings_view, health) == 48);
PIN(view_link, offsetof(wisepay_settings_view, link_available) == 80);
PIN(view_api_size, sizeof(wisepay_settings_view_api) == 24);
PIN(audit_request_size, sizeof(wisepay_audit_request) == 32);
PIN(audit_entry_size, sizeof(wisepay_audit_entry) == 48);
PIN(audit_page_size, sizeof(wisepay_audit_page) == 32);
PIN(audit_api_size, sizeof(wisepay_audit_api) == 24);
PIN(copy_request_size, sizeof(wisepay_copy_request) == 16);
PIN(copy_report_size, sizeof(wisepay_copy_report) == 24);
PIN(reseal_request_size, sizeof(wisepay_reseal_request) == 24);
PIN(reseal_report_size, sizeof(wisepay_reseal_report) == 48);
PIN(maintenance_api_size, sizeof(wisepay_maintenance_api) == 40);
#endif

PIN(health_values, WISEPAY_HEALTH_OK == 0 && WISEPAY_HEALTH_KEY_REJECTED == 1 &&
                       WISEPAY_HEALTH_UPSTREAM_DISABLED == 2 && WISEPAY_HEALTH_UNREACHABLE == 3);

PIN(status_values, WISEPAY_OK == 0 && WISEPAY_E_VALIDATION == 2 && WISEPAY_E_NOT_IMPLEMENTED == 7 &&
                       WISEPAY_E_PAYER_NOT_FOUND == 10 && WISEPAY_E_INTERNAL == 16);
PIN(abi_version, WISEPAY_ABI_VERSION == 1);

/* A host's typical use compiles without casts beyond the dlsym one. */
int host_example(wisepay_plugin_entry_fn entry);
int host_example(wisepay_plugin_entry_fn entry) {
    const wisepay_plugin_api *api = entry(WISEPAY_ABI_VERSION);
    wisepay_error *error = NULL;
    wisepay_instance *instance = NULL;
    wisepay_host host = WISEPAY_HOST_INIT;
    wisepay_save_request save = WISEPAY_SAVE_REQUEST_INIT;
    wisepay_invoice_request click = WISEPAY_INVOICE_REQUEST_INIT;
    wisepay_test_request test = WISEPAY_TEST_REQUEST_INIT;
    wisepay_audit_request audit = WISEPAY_AUDIT_REQUEST_INIT;
    wisepay_copy_request copy = WISEPAY_COPY_REQUEST_INIT;
    wisepay_reseal_request reseal = WISEPAY_RESEAL_REQUEST_INIT;
    const wisepay_settings_view_api *view = NULL;
    if (api == NULL)
        return 1;
    /* Every *_INIT sets struct_size and nothing else. */
    if (host.struct_size != sizeof host || save.struct_size != sizeof save ||
        click.struct_size != sizeof click || test.struct_size != sizeof test ||
        audit.struct_size != sizeof audit || copy.struct_size != sizeof copy ||
        reseal.struct_size != sizeof reseal || host.get_master_key != NULL ||
        save.tenant_id != NULL || click.deadline_ms != 0 || reseal.max_tenants != 0)
        return 1;
    view = (const wisepay_settings_view_api *)api->get_extension(WISEPAY_EXT_SETTINGS_VIEW);
    if (view != NULL && view->struct_size < sizeof *view)
        return 1;
    if (api->create(&host, "{}", 2, &instance, &error) != WISEPAY_OK) {
        api->free_error(error);
        return 1;
    }
    api->destroy(instance);
    return 0;
}
