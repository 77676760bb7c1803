// The deadline of a call: one point in time that every wait inside the call
// (PostgreSQL, DNS, connect, TLS, the answer, back-off) must end before. The
// SQLite store ignores it: waits for the file's lock end at SQLite's busy
// timeout instead.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace wisepay {

using Deadline = std::chrono::steady_clock::time_point;

// The longest a host may ask one call to take.
inline constexpr std::chrono::milliseconds kMaxCallTime{120000};

// The deadline of a call the host gave `requested_ms` (0: `fallback`, the
// config's deadline_ms), starting now, never more than kMaxCallTime away.
inline Deadline deadline_in(std::uint32_t requested_ms, std::chrono::milliseconds fallback) {
    const std::chrono::milliseconds budget =
        requested_ms == 0 ? fallback : std::chrono::milliseconds(requested_ms);
    return std::chrono::steady_clock::now() + std::min(budget, kMaxCallTime);
}

}  // namespace wisepay
