/*
 * host_table.h - the example C host's side of create(): the log callback,
 * and the register_page callback with the copy of the page it keeps.
 */
#ifndef WISEPAY_HOST_CLI_HOST_TABLE_H
#define WISEPAY_HOST_CLI_HOST_TABLE_H

#include <stddef.h>

#include "cli.h"

/* What register_page gave us. The page is only valid during the callback,
 * so the host keeps copies. */
typedef struct host_state {
    char *page_id;
    char *menu;
    char *title;
    char *schema_json;
    size_t schema_json_len;
} host_state;

void host_state_free(host_state *h);

/* The callbacks for wisepay_host; host_data is a host_state. */
void on_log(void *host_data, wisepay_log_level level, const char *message);
wisepay_status on_register_page(void *host_data, const wisepay_page *page);

#endif /* WISEPAY_HOST_CLI_HOST_TABLE_H */
