// The banner's HTML. When the plugin names a problem without a message for
// the admin, a sentence of the console's own for that state stands in.
#include "health_banner.h"

#include "html_escape.h"
#include "time_text.h"

namespace admin_console {
namespace {

using examples_common::html_escape;

// For a plugin that names a problem without a message.
std::string fallback_message(const std::string &state) {
    if (state == "key_rejected") {
        return "Wise-Pay rejects the saved API key. Copy the key again from Wise-Pay and save it.";
    }
    if (state == "upstream_disabled") {
        return "The Desk Director integration is switched off in Wise-Pay. Switch it on there.";
    }
    if (state == "unreachable") {
        return "The last invoice clicks could not reach Wise-Pay. Check the connection with Test "
               "connection.";
    }
    return "The last invoice clicks found a problem with Wise-Pay (" + state + ").";
}

}  // namespace

std::string health_banner(const HealthStatus &health) {
    if (health.ok()) {
        return {};
    }
    std::string out =
        "<section class=\"health\" id=\"health-banner\" aria-labelledby=\"health-heading\">\n"
        "<h2 id=\"health-heading\">Wise-Pay needs attention</h2>\n";
    out += "<p id=\"health-message\">" +
           html_escape(health.message.empty() ? fallback_message(health.state) : health.message) +
           "</p>\n";
    out += "<p id=\"health-times\">";
    if (health.since) {
        out += "Since " + time_element(*health.since) + ". ";
    }
    if (health.last_success) {
        out += "The last invoice link that worked was clicked on " +
               time_element(*health.last_success) + ".";
    } else {
        out += "No invoice link is known to have worked yet.";
    }
    out += "</p>\n</section>\n";
    return out;
}

}  // namespace admin_console
