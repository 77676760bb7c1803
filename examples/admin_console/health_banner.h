// The banner at the top of the Wise-Pay page when the last invoice clicks
// found something an admin must act on (get_settings' "health"): what is
// wrong and what to do (the plugin's message, written for the admin), since
// when, and when an invoice link last worked. Nothing when healthy.
#pragma once

#include <string>

#include "settings_status.h"

namespace admin_console {

std::string health_banner(const HealthStatus &health);

}  // namespace admin_console
