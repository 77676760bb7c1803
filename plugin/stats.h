// Call counters and latency percentiles, updated lock-free from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "abi/wisepay_plugin.h"

namespace wisepay {

// A latency histogram with log-linear buckets (4 per power of two of
// microseconds). A percentile reads as its bucket's upper bound: at most 25%
// above the true latency, at any scale.
class LatencyHistogram {
  public:
    void record(std::chrono::nanoseconds elapsed) noexcept;
    std::uint64_t count() const noexcept;
    // Upper bound of the bucket holding the q-th quantile (0 < q <= 1), in
    // microseconds; 0 when nothing was recorded.
    std::uint64_t quantile_us(double q) const noexcept;
    std::uint64_t max_us() const noexcept { return max_us_.load(std::memory_order_relaxed); }

    static constexpr int kSubBuckets = 4;
    static constexpr int kBuckets = 40 * kSubBuckets;

  private:
    static int bucket_of(std::uint64_t us) noexcept;
    static std::uint64_t upper_bound_us(int bucket) noexcept;

    std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
    std::atomic<std::uint64_t> max_us_{0};
};

class Stats {
  public:
    enum class Call {
        kCreate,
        kGetPageSchema,
        kGetSettings,
        kSaveSettings,
        kTestConnection,
        kOpenInvoice,
        kGetStats,
        kSettingsView,
        kAuditList,
        kCopyFromSqlite,
        kResealKeys,
    };
    static constexpr int kCalls = 11;
    static constexpr int kStatuses = WISEPAY_E_INTERNAL + 1;

    void record(Call call, wisepay_status status, std::chrono::nanoseconds elapsed) noexcept;

    // {"calls": {call: {status_name: count}}, "latency_us": {call: {count, p50, p90, p99, max}}}
    std::string to_json() const;

  private:
    struct PerCall {
        std::array<std::atomic<std::uint64_t>, kStatuses> by_status{};
        LatencyHistogram latency;
    };
    std::array<PerCall, kCalls> calls_{};
};

}  // namespace wisepay
