// Reading storage's ISO-8601 times into Unix seconds: known instants, every
// day of a leap and a common year held against the C library's timegm, the
// roll-over of a day past its month's end, and the shapes that are refused.
#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>
#include <string>

#include "plugin/util/iso_time.h"

using namespace wisepay;

namespace {

std::string iso(int year, int month, int day, int hour, int minute, int second,
                const char *tail = ".042Z") {
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d%s", year, month, day, hour,
                  minute, second, tail);
    return text;
}

std::int64_t timegm_of(int year, int month, int day, int hour, int minute, int second) {
    std::tm parts{};
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    return static_cast<std::int64_t>(::timegm(&parts));
}

}  // namespace

TEST_CASE("known instants read as the Unix seconds they are") {
    CHECK(unix_seconds("1970-01-01T00:00:00Z") == 0);
    CHECK(unix_seconds("1970-01-01T00:00:00.000Z") == 0);
    CHECK(unix_seconds("2026-11-25T00:23:13.042Z") == 1795566193);
    CHECK(unix_seconds("2000-02-29T23:59:59Z") == 951868799);
    CHECK(unix_seconds("1969-12-31T23:59:59Z") == -1);
}

TEST_CASE("every day of a leap year and of a common year agrees with timegm") {
    for (const int year : {2024, 2026, 2100}) {
        for (int month = 1; month <= 12; ++month) {
            for (int day = 1; day <= 31; ++day) {  // 31 everywhere: the roll-over too
                const int hour = (day * 7) % 24, minute = (day * 13) % 60,
                          second = (month * 11) % 60;
                INFO(iso(year, month, day, hour, minute, second));
                CHECK(unix_seconds(iso(year, month, day, hour, minute, second)) ==
                      timegm_of(year, month, day, hour, minute, second));
            }
        }
    }
}

TEST_CASE("a day past its month's end rolls over") {
    CHECK(unix_seconds("2026-02-30T00:00:00Z") == unix_seconds("2026-03-02T00:00:00Z"));
    CHECK(unix_seconds("2024-02-30T00:00:00Z") == unix_seconds("2024-03-01T00:00:00Z"));
}

TEST_CASE("anything but storage's shape is refused") {
    for (const char *text : {
             "",
             "2026-11-25",
             "2026-11-25T00:23:13",         // no Z
             "2026-11-25 00:23:13Z",        // no T
             "2026-11-25T00:23:13.04213Z",  // too long
             "2026-13-25T00:23:13Z",        // month 13
             "2026-00-25T00:23:13Z",        // month 0
             "2026-11-00T00:23:13Z",        // day 0
             "2026-11-32T00:23:13Z",        // day 32
             "2026-1a-25T00:23:13Z",        // not a digit
             "2026-11-25T-1:23:13Z",        // a sign
             "2026-11-25T 1:23:13Z",        // a blank
             "+026-11-25T00:23:13Z",
         }) {
        INFO(text);
        CHECK_FALSE(unix_seconds(text).has_value());
    }
}
