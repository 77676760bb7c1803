// The conversions: ISO text is read by hand and turned into Unix seconds
// with timegm(); Unix seconds are split with gmtime_r(), and a time it
// cannot split reads "an unknown time".
#include "time_text.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace admin_console {
namespace {

constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool read_number(std::string_view text, std::size_t at, std::size_t digits, int &out) {
    if (at + digits > text.size()) {
        return false;
    }
    const char *first = text.data() + at;
    const auto [end, ec] = std::from_chars(first, first + digits, out);
    return ec == std::errc{} && end == first + digits && out >= 0;
}

std::optional<std::tm> utc_parts(std::int64_t unix_seconds) {
    const std::time_t when = static_cast<std::time_t>(unix_seconds);
    std::tm parts{};
    if (gmtime_r(&when, &parts) == nullptr) {
        return std::nullopt;
    }
    return parts;
}

}  // namespace

std::optional<std::int64_t> parse_iso_utc(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z.
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    std::tm parts{};
    int year = 0, month = 0;
    if (!read_number(text, 0, 4, year) || !read_number(text, 5, 2, month) ||
        !read_number(text, 8, 2, parts.tm_mday) || !read_number(text, 11, 2, parts.tm_hour) ||
        !read_number(text, 14, 2, parts.tm_min) || !read_number(text, 17, 2, parts.tm_sec)) {
        return std::nullopt;
    }
    std::size_t at = 19;
    if (text[at] == '.') {
        ++at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            ++at;
        }
    }
    if (at + 1 != text.size() || text[at] != 'Z' || month < 1 || month > 12) {
        return std::nullopt;
    }
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    return static_cast<std::int64_t>(timegm(&parts));
}

std::string utc_text(std::int64_t unix_seconds) {
    const auto parts = utc_parts(unix_seconds);
    if (!parts) {
        return "an unknown time";
    }
    char text[48];
    std::snprintf(text, sizeof text, "%d %s %d, %02d:%02d UTC", parts->tm_mday,
                  kMonths[parts->tm_mon], parts->tm_year + 1900, parts->tm_hour, parts->tm_min);
    return text;
}

std::string time_element(std::int64_t unix_seconds) {
    const auto parts = utc_parts(unix_seconds);
    if (!parts) {
        return utc_text(unix_seconds);
    }
    char iso[80];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", parts->tm_year + 1900,
                  parts->tm_mon + 1, parts->tm_mday, parts->tm_hour, parts->tm_min, parts->tm_sec);
    // Only digits, letters and punctuation of our own: nothing to escape.
    return std::string("<time datetime=\"") + iso + "\" data-local>" + utc_text(unix_seconds) +
           "</time>";
}

}  // namespace admin_console
