// The histogram's bucket arithmetic, and get_stats' JSON: every call by name,
// with a count for each status it has returned and its latency percentiles.
#include "plugin/stats.h"

#include <bit>
#include <boost/json.hpp>

#include "plugin/util/error.h"

namespace wisepay {

int LatencyHistogram::bucket_of(std::uint64_t us) noexcept {
    if (us < kSubBuckets) {
        return static_cast<int>(us);
    }
    const int power = std::bit_width(us) - 1;  // us in [2^power, 2^(power+1))
    const int sub = static_cast<int>((us >> (power - 2)) & (kSubBuckets - 1));
    const int bucket = (power - 1) * kSubBuckets + sub;
    return bucket < kBuckets ? bucket : kBuckets - 1;
}

std::uint64_t LatencyHistogram::upper_bound_us(int bucket) noexcept {
    if (bucket < kSubBuckets) {
        return static_cast<std::uint64_t>(bucket);
    }
    const int power = bucket / kSubBuckets + 1;
    const int sub = bucket % kSubBuckets;
    return (std::uint64_t{1} << power) + (static_cast<std::uint64_t>(sub + 1) << (power - 2)) - 1;
}

void LatencyHistogram::record(std::chrono::nanoseconds elapsed) noexcept {
    const auto us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
    buckets_[static_cast<std::size_t>(bucket_of(us))].fetch_add(1, std::memory_order_relaxed);
    std::uint64_t seen = max_us_.load(std::memory_order_relaxed);
    while (us > seen && !max_us_.compare_exchange_weak(seen, us, std::memory_order_relaxed)) {
    }
}

std::uint64_t LatencyHistogram::count() const noexcept {
    std::uint64_t total = 0;
    for (const auto &b : buckets_)
        total += b.load(std::memory_order_relaxed);
    return total;
}

std::uint64_t LatencyHistogram::quantile_us(double q) const noexcept {
    const std::uint64_t total = count();
    if (total == 0) {
        return 0;
    }
    const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total) + 0.5);
    std::uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += buckets_[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
        if (seen >= rank && seen > 0) {
            const std::uint64_t bound = upper_bound_us(i);
            return bound < max_us() ? bound : max_us();
        }
    }
    return max_us();
}

void Stats::record(Call call, wisepay_status status, std::chrono::nanoseconds elapsed) noexcept {
    PerCall &per = calls_[static_cast<std::size_t>(call)];
    const auto index = static_cast<std::size_t>(status);
    if (index < per.by_status.size()) {
        per.by_status[index].fetch_add(1, std::memory_order_relaxed);
    }
    per.latency.record(elapsed);
}

std::string Stats::to_json() const {
    static constexpr const char *kNames[kCalls] = {
        "create",          "get_page_schema",  "get_settings", "save_settings",
        "test_connection", "open_invoice",     "get_stats",    "settings_view",
        "audit_list",      "copy_from_sqlite", "reseal_keys"};
    boost::json::object calls;
    boost::json::object latency;
    for (int c = 0; c < kCalls; ++c) {
        const PerCall &per = calls_[static_cast<std::size_t>(c)];
        boost::json::object outcomes;
        for (int s = 0; s < kStatuses; ++s) {
            const auto n =
                per.by_status[static_cast<std::size_t>(s)].load(std::memory_order_relaxed);
            if (n > 0) {
                outcomes[status_name(static_cast<wisepay_status>(s))] = n;
            }
        }
        calls[kNames[c]] = std::move(outcomes);
        latency[kNames[c]] = boost::json::object{{"count", per.latency.count()},
                                                 {"p50", per.latency.quantile_us(0.50)},
                                                 {"p90", per.latency.quantile_us(0.90)},
                                                 {"p99", per.latency.quantile_us(0.99)},
                                                 {"max", per.latency.max_us()}};
    }
    return boost::json::serialize(
        boost::json::object{{"calls", std::move(calls)}, {"latency_us", std::move(latency)}});
}

}  // namespace wisepay
