// Times as the console shows them. The plugin gives UTC (ISO 8601 text or
// Unix seconds); a page shows "29 Nov 2026, 10:02 UTC" inside a
// <time datetime="..."> element, which static/local_time.js turns into the
// reader's own time zone. Without JavaScript the UTC text stays readable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace admin_console {

// "2026-11-25T00:23:13Z" or with a fraction ("...13.042Z") to Unix seconds;
// nothing for any other text.
std::optional<std::int64_t> parse_iso_utc(std::string_view text);

// "25 Nov 2026, 00:23 UTC".
std::string utc_text(std::int64_t unix_seconds);

// <time datetime="2026-11-25T00:23:13Z" data-local>25 Nov 2026, 00:23 UTC</time>
std::string time_element(std::int64_t unix_seconds);

}  // namespace admin_console
