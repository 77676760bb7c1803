// Reads only the shape storage writes: "YYYY-MM-DDTHH:MM:SS", anything up to
// 4 characters (the milliseconds, ignored), then "Z". timegm() does the
// calendar, so a day past its month's end rolls over rather than being refused.
#include "plugin/util/iso_time.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace wisepay {

std::optional<std::int64_t> unix_seconds(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS(.mmm)Z
    if (text.size() < 20 || text.size() > 24 || text[4] != '-' || text[7] != '-' ||
        text[10] != 'T' || text[13] != ':' || text[16] != ':' || text.back() != 'Z') {
        return std::nullopt;
    }
    std::tm parts{};
    int year = 0, month = 0;
    const std::string copy(text);
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &parts.tm_mday,
                    &parts.tm_hour, &parts.tm_min, &parts.tm_sec) != 6 ||
        month < 1 || month > 12 || parts.tm_mday < 1 || parts.tm_mday > 31) {
        return std::nullopt;
    }
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    return static_cast<std::int64_t>(::timegm(&parts));
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace wisepay
