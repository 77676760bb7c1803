// Reads only the shape storage writes: "YYYY-MM-DDTHH:MM:SS", anything up to
// 4 characters (the milliseconds, ignored), then "Z". The digits are read by
// hand rather than with sscanf and timegm: a successful click reads the
// health row's last-success stamp, and those two cost more than the rest of
// the settings read. A day past its month's end rolls over into the next
// month, as timegm would roll it, rather than being refused.
#include "plugin/util/iso_time.h"

#include <chrono>
#include <cstddef>

namespace wisepay {
namespace {

// The number written in text[at, at + count), when all of it is digits.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

std::optional<std::int64_t> unix_seconds(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS(.mmm)Z
    if (text.size() < 20 || text.size() > 24 || text[4] != '-' || text[7] != '-' ||
        text[10] != 'T' || text[13] != ':' || text[16] != ':' || text.back() != 'Z') {
        return std::nullopt;
    }
    const auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    const auto hour = digits(text, 11, 2), minute = digits(text, 14, 2),
               second = digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || *month < 1 || *month > 12 ||
        *day < 1 || *day > 31) {
        return std::nullopt;
    }
    namespace chrono = std::chrono;
    // For a valid year and month, a day past the month's end counts on from
    // the month's first day ([time.cal.ymd.nonmembers]): the roll-over.
    const chrono::sys_days date =
        chrono::year{*year} / chrono::month{unsigned(*month)} / chrono::day{unsigned(*day)};
    return std::int64_t{date.time_since_epoch().count()} * 86400 + *hour * 3600 + *minute * 60 +
           *second;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace wisepay
