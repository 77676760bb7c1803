// PluginHost's calls through the plugin's extensions (abi/wisepay_plugin.h,
// "Extensions"): the audit trail, "wisepay.audit/1". Like every call in
// plugin_host.cpp, the plugin's objects are copied into console values and
// released with the extension's own free function before returning.
#include <memory>

#include "abi_fields.h"
#include "plugin_host.h"

namespace admin_console {
namespace {

std::string copy_or_empty(const char *text) {
    return text != nullptr ? std::string(text) : std::string();
}

}  // namespace

Outcome<AuditPage> PluginHost::audit_page(const std::string &tenant_id, std::uint32_t limit,
                                          std::int64_t before_id) const {
    if (audit_api_ == nullptr) {
        PluginError missing;
        missing.status = WISEPAY_E_NOT_IMPLEMENTED;
        missing.code = "extension_missing";
        missing.message =
            "This version of the Wise-Pay plugin keeps no history the console can show.";
        return missing;
    }
    wisepay_audit_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = tenant_id.c_str();
    request.limit = limit;
    request.before_id = before_id;
    wisepay_audit_page *raw = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = audit_api_->list(instance_, &request, &raw, &error);
    if (status != WISEPAY_OK) {
        return take_error(status, error);
    }
    const std::unique_ptr<wisepay_audit_page, void (*)(wisepay_audit_page *)> owned(
        raw, audit_api_->free_page);
    AuditPage page;
    if (raw == nullptr || !ADMIN_CONSOLE_HAS_FIELD(raw, wisepay_audit_page, next_before_id)) {
        return page;  // nothing this console can read
    }
    if (raw->entries != nullptr) {
        for (std::size_t i = 0; i < raw->count; ++i) {
            const wisepay_audit_entry &entry = raw->entries[i];
            page.entries.push_back({entry.id, entry.version, copy_or_empty(entry.actor),
                                    entry.at_unix, copy_or_empty(entry.summary)});
        }
    }
    page.next_before_id = raw->next_before_id;
    return page;
}

}  // namespace admin_console
