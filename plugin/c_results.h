// What the C boundary hands to the host: plain C objects built from the
// plugin's results, each in one malloc'd block so that the host releases it
// with one free function of the table and no C++ type leaks out.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "abi/wisepay_plugin.h"
#include "plugin/util/error.h"
#include "plugin/wisepay/wisepay_api.h"
#include "storage/settings_store.h"

namespace wisepay {

// A NUL-terminated copy for free_string(). Throws std::bad_alloc.
char *copy_string(std::string_view text);

// The error object for free_error(), or nullptr when memory is exhausted.
wisepay_error *make_error(const Error &error, const std::string &correlation_id);

// The redirect for free_redirect(), which wipes the URL (a credential).
// Throws std::bad_alloc.
wisepay_redirect *make_redirect(const SsoSession &session, const std::string &correlation_id);
void free_redirect(wisepay_redirect *redirect);

// A tenant's settings as the settings-view extension hands them over.
wisepay_settings_view *make_settings_view(const storage::SettingsRecord &record);

// One entry of an audit page, as the audit extension hands it over.
struct AuditLine {
    std::int64_t id = 0, version = 0, at_unix = 0;
    std::string actor, summary, changes_json;
};
wisepay_audit_page *make_audit_page(const std::vector<AuditLine> &entries,
                                    std::int64_t next_before_id);

// Reports of the maintenance extension, for its free functions.
wisepay_copy_report *make_copy_report(std::uint64_t tenants, std::uint64_t audit_rows);
wisepay_reseal_report *make_reseal_report(const std::string &current_key_id, std::uint64_t resealed,
                                          const std::map<std::string, std::uint64_t> &remaining);

// A short random id that support can find in the log ("unavailable" when
// the system cannot give random bytes).
std::string new_correlation_id();

}  // namespace wisepay
