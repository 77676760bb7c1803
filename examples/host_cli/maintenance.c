/*
 * maintenance.c - copy-from-sqlite and reseal-keys: one call each through
 * the maintenance extension, timed, with the report printed as lines an
 * operator (or a script) reads.
 */
#include "maintenance.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "commands.h"

static const wisepay_maintenance_api *maintenance(const wisepay_plugin_api *api) {
    const wisepay_maintenance_api *m =
        (const wisepay_maintenance_api *)api->get_extension(WISEPAY_EXT_MAINTENANCE);
    if (m == NULL || m->struct_size < sizeof *m) {
        fputs("error: this plugin has no " WISEPAY_EXT_MAINTENANCE " extension\n", stderr);
        return NULL;
    }
    return m;
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int cmd_copy_from_sqlite(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o) {
    const wisepay_maintenance_api *m = maintenance(api);
    if (m == NULL) {
        return EXIT_PLUGIN_ERROR;
    }
    wisepay_copy_request req = WISEPAY_COPY_REQUEST_INIT;
    req.sqlite_path = o->sqlite_file;
    wisepay_copy_report *report = NULL;
    wisepay_error *err = NULL;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    wisepay_status st = m->copy_from_sqlite(inst, &req, &report, &err);
    if (st != WISEPAY_OK) {
        return report_error(api, st, err);
    }
    printf("copied: %" PRIu64 " tenants, %" PRIu64 " audit rows\nseconds: %.3f\n", report->tenants,
           report->audit_rows, seconds_since(&start));
    m->free_copy_report(report);
    return EXIT_OK;
}

int cmd_reseal_keys(const wisepay_plugin_api *api, wisepay_instance *inst, const options *o) {
    const wisepay_maintenance_api *m = maintenance(api);
    if (m == NULL) {
        return EXIT_PLUGIN_ERROR;
    }
    wisepay_reseal_request req = WISEPAY_RESEAL_REQUEST_INIT;
    req.actor = o->actor;
    req.max_tenants = (uint32_t)o->max_tenants;
    wisepay_reseal_report *report = NULL;
    wisepay_error *err = NULL;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    wisepay_status st = m->reseal_keys(inst, &req, &report, &err);
    if (st != WISEPAY_OK) {
        return report_error(api, st, err);
    }
    printf("current key: %s\nresealed: %" PRIu64 "\nremaining: %" PRIu64 "\n",
           report->current_key_id, report->resealed, report->remaining);
    for (size_t i = 0; i < report->remaining_by_key_count; i++) {
        printf("remaining under %s: %" PRIu64 "\n", report->remaining_by_key[i].key_id,
               report->remaining_by_key[i].count);
    }
    printf("seconds: %.3f\n", seconds_since(&start));
    m->free_reseal_report(report);
    return EXIT_OK;
}
