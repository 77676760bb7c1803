// What the Wise-Pay page says about past saves, below the form: the
// "Last saved ... by ..." line, and the History section fed by the
// plugin's audit trail ("wisepay.audit/1"): newest first, one page at a
// time, each entry with who, when and what changed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "plugin_host.h"
#include "settings_status.h"

namespace admin_console {

std::string last_saved_line(const SettingsStatus &status);

struct HistoryView {
    std::optional<AuditPage> page;  // nothing when it could not be read
    std::string problem;            // why not, for the admin
    std::int64_t before_id = 0;     // the page shown; 0 for the newest
    std::string page_url;           // the Wise-Pay page, for the paging links
};

std::string history_section(const HistoryView &history);

}  // namespace admin_console
