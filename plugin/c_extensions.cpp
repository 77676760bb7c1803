// The extensions' tables and entry points (settings view, audit trail,
// maintenance), each call run through the boundary's guard like those of the
// version-1 table. An audit page asks the store for one row more than it
// returns, to tell whether an older page exists.
#include "plugin/c_extensions.h"

#include <cstdlib>
#include <cstring>

#include "abi/wisepay_plugin.h"
#include "plugin/c_boundary.h"
#include "plugin/c_results.h"
#include "plugin/maintenance/copy_from_sqlite.h"
#include "plugin/maintenance/reseal_keys.h"
#include "plugin/settings/audit_summary.h"
#include "plugin/settings/settings_input.h"
#include "plugin/util/deadline.h"
#include "plugin/util/iso_time.h"
#include "plugin/util/text.h"

namespace wisepay {
namespace {

// --- "wisepay.settings-view/1" ----------------------------------------------

wisepay_status settings_view_get(wisepay_instance *instance, const char *tenant_id,
                                 wisepay_settings_view **out_view, wisepay_error **out_error) {
    if (out_view != nullptr)
        *out_view = nullptr;
    return guarded(instance, Stats::Call::kSettingsView, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(out_view != nullptr, "invalid_argument", "out_view must not be NULL.");
        const std::string tenant = check_tenant_id(tenant_id);
        *out_view = make_settings_view(*instance->plugin.settings().current(tenant));
    });
}

void settings_view_free(wisepay_settings_view *view) {
    std::free(view);
}

constexpr wisepay_settings_view_api kSettingsView = {sizeof(wisepay_settings_view_api),
                                                     settings_view_get, settings_view_free};

// --- "wisepay.audit/1" ----------------------------------------------------

constexpr std::uint32_t kDefaultAuditPage = 20;
constexpr std::uint32_t kMaxAuditPage = 100;

wisepay_status audit_list(wisepay_instance *instance, const wisepay_audit_request *request,
                          wisepay_audit_page **out_page, wisepay_error **out_error) {
    if (out_page != nullptr)
        *out_page = nullptr;
    return guarded(instance, Stats::Call::kAuditList, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(struct_fits(request, WISEPAY_SIZE_THROUGH(wisepay_audit_request, before_id)),
                "invalid_request", "The audit request is NULL or its struct_size is too small.");
        require(out_page != nullptr, "invalid_argument", "out_page must not be NULL.");
        const std::string tenant = check_tenant_id(request->tenant_id);
        require(request->limit <= kMaxAuditPage, "invalid_limit",
                "An audit page holds at most 100 entries.");
        require(request->before_id >= 0, "invalid_before_id",
                "before_id must be 0 (the newest page) or an entry id.");
        const std::uint32_t limit = request->limit == 0 ? kDefaultAuditPage : request->limit;
        // One more than asked tells whether an older page exists.
        std::vector<storage::AuditRecord> rows = instance->plugin.settings().audit_trail(
            tenant, static_cast<int>(limit) + 1, request->before_id);
        const bool more = rows.size() > limit;
        if (more)
            rows.resize(limit);
        std::vector<AuditLine> lines;
        for (const storage::AuditRecord &row : rows) {
            lines.push_back(AuditLine{row.id, row.version, unix_seconds(row.at).value_or(0),
                                      row.actor, summarize_changes(row.changes_json),
                                      row.changes_json});
        }
        *out_page = make_audit_page(lines, more ? rows.back().id : 0);
    });
}

void audit_free(wisepay_audit_page *page) {
    std::free(page);
}

constexpr wisepay_audit_api kAudit = {sizeof(wisepay_audit_api), audit_list, audit_free};

// --- "wisepay.maintenance/1" ------------------------------------------------

wisepay_status copy_from_sqlite_entry(wisepay_instance *instance,
                                      const wisepay_copy_request *request,
                                      wisepay_copy_report **out_report, wisepay_error **out_error) {
    if (out_report != nullptr)
        *out_report = nullptr;
    return guarded(instance, Stats::Call::kCopyFromSqlite, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(struct_fits(request, WISEPAY_SIZE_THROUGH(wisepay_copy_request, sqlite_path)),
                "invalid_request", "The copy request is NULL or its struct_size is too small.");
        require(out_report != nullptr, "invalid_argument", "out_report must not be NULL.");
        require(request->sqlite_path != nullptr, "invalid_sqlite_path",
                "The SQLite database's path must not be NULL.");
        const std::string path(request->sqlite_path, strnlen(request->sqlite_path, 4097));
        require(path.size() <= 4096 && text::is_valid_utf8(path), "invalid_sqlite_path",
                "The SQLite database's path is not a valid path.");
        Plugin &plugin = instance->plugin;
        const CopyReport copied =
            copy_from_sqlite(plugin.store(), plugin.keys(), path, deadline_in(0, kMaxCallTime));
        plugin.log().info("copied " + std::to_string(copied.tenants) + " tenants and " +
                          std::to_string(copied.audit_rows) + " audit rows from '" + path +
                          "' into " + plugin.store().describe());
        *out_report = make_copy_report(copied.tenants, copied.audit_rows);
    });
}

wisepay_status reseal_keys_entry(wisepay_instance *instance, const wisepay_reseal_request *request,
                                 wisepay_reseal_report **out_report, wisepay_error **out_error) {
    if (out_report != nullptr)
        *out_report = nullptr;
    return guarded(instance, Stats::Call::kResealKeys, out_error, [&] {
        require(instance != nullptr, "invalid_instance", "The instance must not be NULL.");
        require(struct_fits(request, WISEPAY_SIZE_THROUGH(wisepay_reseal_request, deadline_ms)),
                "invalid_request", "The re-seal request is NULL or its struct_size is too small.");
        require(out_report != nullptr, "invalid_argument", "out_report must not be NULL.");
        Plugin &plugin = instance->plugin;
        const std::string actor = check_actor(request->actor);
        const std::chrono::milliseconds budget =
            request->deadline_ms == 0
                ? plugin.config().deadline
                : std::min(std::chrono::milliseconds(request->deadline_ms), kMaxCallTime);
        const ResealReport report = reseal_keys(plugin.store(), plugin.keys(), actor,
                                                request->max_tenants, budget, plugin.log());
        *out_report =
            make_reseal_report(report.current_key_id, report.resealed, report.remaining_by_key);
    });
}

void free_copy_report(wisepay_copy_report *report) {
    std::free(report);
}

void free_reseal_report(wisepay_reseal_report *report) {
    std::free(report);
}

constexpr wisepay_maintenance_api kMaintenance = {sizeof(wisepay_maintenance_api),
                                                  copy_from_sqlite_entry, reseal_keys_entry,
                                                  free_copy_report, free_reseal_report};

}  // namespace

const void *find_extension(const char *extension_id) noexcept {
    if (extension_id == nullptr)
        return nullptr;
    if (std::strcmp(extension_id, WISEPAY_EXT_SETTINGS_VIEW) == 0)
        return &kSettingsView;
    if (std::strcmp(extension_id, WISEPAY_EXT_AUDIT) == 0)
        return &kAudit;
    if (std::strcmp(extension_id, WISEPAY_EXT_MAINTENANCE) == 0)
        return &kMaintenance;
    return nullptr;
}

}  // namespace wisepay
