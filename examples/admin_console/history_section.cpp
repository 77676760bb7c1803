// The HTML of the last-saved line and of the History section, with links to
// older entries (?history_before=<id>#history) and back to the newest.
#include "history_section.h"

#include "html_escape.h"
#include "time_text.h"

namespace admin_console {
namespace {

using examples_common::html_escape;

std::string entry_html(const AuditEntry &entry) {
    return "<li><p class=\"what\">" + html_escape(entry.summary) + "</p><p class=\"who-when\">" +
           html_escape(entry.actor) + " &middot; " + time_element(entry.at_unix) +
           " &middot; version " + std::to_string(entry.version) + "</p></li>\n";
}

}  // namespace

std::string last_saved_line(const SettingsStatus &status) {
    if (!status.updated_at) {
        return {};
    }
    std::string out =
        "<p class=\"last-saved\" id=\"last-saved\">Last saved " + time_element(*status.updated_at);
    if (!status.updated_by.empty()) {
        out += " by " + html_escape(status.updated_by);
    }
    return out + ".</p>\n";
}

std::string history_section(const HistoryView &history) {
    std::string out =
        "<section id=\"history\" aria-labelledby=\"history-heading\">\n"
        "<h2 id=\"history-heading\">History</h2>\n";
    if (!history.page) {
        return out + "<p id=\"history-problem\">" + html_escape(history.problem) +
               "</p>\n</section>\n";
    }
    const AuditPage &page = *history.page;
    if (page.entries.empty()) {
        out += history.before_id == 0 ? "<p id=\"history-empty\">No changes saved yet.</p>\n"
                                      : "<p id=\"history-empty\">There are no older changes.</p>\n";
    } else {
        out += "<ol class=\"history\" id=\"history-entries\">\n";
        for (const auto &entry : page.entries) {
            out += entry_html(entry);
        }
        out += "</ol>\n";
    }
    if (history.before_id != 0 || page.next_before_id != 0) {
        out += "<nav class=\"history-pages\" aria-label=\"History pages\">";
        if (history.before_id != 0) {
            out += "<a id=\"history-newest\" href=\"" + html_escape(history.page_url) +
                   "#history\">Newest changes</a>";
        }
        if (page.next_before_id != 0) {
            out += "<a id=\"history-older\" rel=\"next\" href=\"" + html_escape(history.page_url) +
                   "?history_before=" + std::to_string(page.next_before_id) +
                   "#history\">Older changes</a>";
        }
        out += "</nav>\n";
    }
    return out + "</section>\n";
}

}  // namespace admin_console
