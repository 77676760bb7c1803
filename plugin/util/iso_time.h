// The times the plugin stores and shows: ISO-8601 UTC with milliseconds
// ("2026-11-25T00:23:13.042Z", as storage writes them) and Unix seconds, for
// hosts that format times themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wisepay {

// Seconds since the epoch of an ISO-8601 UTC time as storage writes it, or
// nullopt for anything else (an empty string among them).
std::optional<std::int64_t> unix_seconds(std::string_view iso8601_utc);

// Seconds since the epoch, now.
std::int64_t unix_now();

}  // namespace wisepay
