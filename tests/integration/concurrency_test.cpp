// Eight host threads click invoice links while another thread keeps saving
// new settings: every answer must fit the settings in force during the
// click, and a save must take effect from the next click on.
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "tests/integration/plugin_host.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/plugin_config.h"
#include "tests/support/temp_dir.h"

using namespace wisepay::test;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kPayer = "pat@customer.example";
const std::string kKeyWithPayer = "wp_live_merchantA_key_1111";
const std::string kKeyWithoutPayer = "wp_live_merchantB_key_2222";

// The three settings the saver cycles through, and the answer each gives.
enum class State { kPayerKnown, kPayerUnknown, kDisabled };

State state_of(wisepay_status status) {
    switch (status) {
        case WISEPAY_OK:
            return State::kPayerKnown;
        case WISEPAY_E_PAYER_NOT_FOUND:
            return State::kPayerUnknown;
        case WISEPAY_E_DISABLED:
            return State::kDisabled;
        default:
            FAIL("unexpected status " << status);
            return State::kDisabled;
    }
}

std::string settings_for(State state) {
    switch (state) {
        case State::kPayerKnown:
            return "{\"api_key\":\"" + kKeyWithPayer + "\",\"enabled\":true}";
        case State::kPayerUnknown:
            return "{\"api_key\":\"" + kKeyWithoutPayer + "\",\"enabled\":true}";
        case State::kDisabled:
            return "{\"enabled\":false}";
    }
    return "";
}

struct Span {
    Clock::time_point start;
    Clock::time_point end;
    State state;
};

}  // namespace

TEST_CASE("8 threads clicking while settings change: every answer fits the settings in force") {
    FakeWisePay fake;
    fake.add_merchant(kKeyWithPayer, "Merchant A");
    fake.add_merchant(kKeyWithoutPayer, "Merchant B");
    fake.add_payer(kKeyWithPayer, kPayer);
    TempDir dir;
    TestHost host;
    PluginInstance plugin(host, plugin_config_json({dir.file("settings.db"), std::string(64, '5'),
                                                    fake.base_url(), fake.ca_file()}));
    REQUIRE(plugin.save("acme", "ann", 0, settings_for(State::kPayerKnown)).ok());
    const Span initial{Clock::now(), Clock::now(), State::kPayerKnown};

    std::vector<Span> saves;
    std::mutex clicks_mutex;
    std::vector<Span> clicks;
    std::atomic<bool> saving{true};
    std::atomic<int> failures{0};

    std::vector<std::thread> clickers;
    for (int t = 0; t < 8; ++t) {
        clickers.emplace_back([&] {
            std::vector<Span> mine;
            while (saving.load()) {
                const auto start = Clock::now();
                const CallResult r = plugin.open_invoice("acme", kPayer.c_str());
                const auto end = Clock::now();
                if (r.status != WISEPAY_OK && r.status != WISEPAY_E_PAYER_NOT_FOUND &&
                    r.status != WISEPAY_E_DISABLED) {
                    ++failures;
                    continue;
                }
                mine.push_back({start, end, state_of(r.status)});
            }
            std::lock_guard lock(clicks_mutex);
            clicks.insert(clicks.end(), mine.begin(), mine.end());
        });
    }
    const State cycle[] = {State::kPayerUnknown, State::kDisabled, State::kPayerKnown};
    for (int i = 0; i < 30; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
        const State next = cycle[i % 3];
        const auto start = Clock::now();
        const CallResult r = plugin.save("acme", "saver", i + 1, settings_for(next));
        const auto end = Clock::now();
        INFO(r.describe());
        REQUIRE(r.ok());
        saves.push_back({start, end, next});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
    saving = false;
    for (auto &th : clickers)
        th.join();

    CHECK(failures == 0);
    REQUIRE(clicks.size() > 100);
    int ill_fitting = 0;
    for (const Span &click : clicks) {
        // In force during a click: the last save finished before it began,
        // and any save that overlapped it.
        const Span *before = &initial;
        std::vector<State> allowed;
        for (const Span &save : saves) {
            if (save.end <= click.start)
                before = &save;
            if (save.start <= click.end && save.end >= click.start)
                allowed.push_back(save.state);
        }
        allowed.push_back(before->state);
        if (std::find(allowed.begin(), allowed.end(), click.state) == allowed.end())
            ++ill_fitting;
    }
    CHECK(ill_fitting == 0);
    // Each state was actually observed: the saves took effect.
    for (State s : {State::kPayerKnown, State::kPayerUnknown, State::kDisabled}) {
        CHECK(std::count_if(clicks.begin(), clicks.end(),
                            [s](const Span &c) { return c.state == s; }) > 0);
    }
    CHECK(host.all_logs().find("merchantA_key") == std::string::npos);
    CHECK(host.all_logs().find("merchantB_key") == std::string::npos);
}
