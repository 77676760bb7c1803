// The HTML the browser sees. Every page is small and self-contained (inline
// CSS, no scripts, no outside resources), and everything interpolated is
// escaped.
#pragma once

#include <string>
#include <string_view>

#include "portal.h"

namespace wisepay_standin {

std::string dashboard_page(const DashboardView &view, std::string_view merchant_name);
std::string link_expired_page();
std::string not_signed_in_page();
std::string register_page();
std::string home_page();
std::string not_found_page();

}  // namespace wisepay_standin
