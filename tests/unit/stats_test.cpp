// The latency histogram's percentiles for recorded durations, and get_stats'
// JSON counting calls by outcome.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "plugin/stats.h"

using namespace wisepay;
using namespace std::chrono_literals;

TEST_CASE("latency percentiles land in the right bucket") {
    LatencyHistogram h;
    CHECK(h.quantile_us(0.5) == 0);
    for (int i = 0; i < 90; ++i)
        h.record(100us);
    for (int i = 0; i < 10; ++i)
        h.record(10ms);
    CHECK(h.count() == 100);
    const auto p50 = h.quantile_us(0.50);
    CHECK(p50 >= 100);
    CHECK(p50 <= 120);
    const auto p99 = h.quantile_us(0.99);
    CHECK(p99 >= 10000);
    CHECK(p99 <= 12000);
    CHECK(h.max_us() == 10000);
}

TEST_CASE("stats count calls by outcome") {
    Stats stats;
    stats.record(Stats::Call::kSaveSettings, WISEPAY_OK, 1ms);
    stats.record(Stats::Call::kSaveSettings, WISEPAY_OK, 2ms);
    stats.record(Stats::Call::kSaveSettings, WISEPAY_E_CONFLICT, 1ms);
    auto doc = boost::json::parse(stats.to_json()).as_object();
    auto save = doc["calls"].as_object()["save_settings"].as_object();
    CHECK(save["ok"].to_number<std::uint64_t>() == 2);
    CHECK(save["conflict"].to_number<std::uint64_t>() == 1);
    CHECK(doc["latency_us"]
              .as_object()["save_settings"]
              .as_object()["count"]
              .to_number<std::uint64_t>() == 3);
}
