/*
 * form.h - the example C host's text form: the settings page drawn only from
 * the page document the plugin registers (so a field added to the plugin's
 * schema shows up without touching the host), with a tenant's values.
 */
#ifndef WISEPAY_HOST_CLI_FORM_H
#define WISEPAY_HOST_CLI_FORM_H

#include "json_view.h"

/* Prints the page to stdout: "Menu > Title", the description, one entry per
 * field (in ui.order, then any schema property the order forgot) and the
 * actions. The menu and title are the registered ones, or the document's
 * when those are NULL. With settings (an object from get_settings), the
 * tenant is named and each field shows its value; a secret field shows
 * only whether it is set and its last four characters. Returns EXIT_OK, or
 * EXIT_PLUGIN_ERROR when the document has no "ui" object. */
int render_form(const char *registered_menu, const char *registered_title, json_view doc,
                const char *tenant, const json_view *settings);

#endif /* WISEPAY_HOST_CLI_FORM_H */
