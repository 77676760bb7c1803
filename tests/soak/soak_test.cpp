// The leak and soak test: 100,000 invoice clicks through the dlopen'ed
// plugin against the fake Wise-Pay, from four host threads, with a mix of
// successful clicks and refusals (an unknown payer, a bad email). Memory in
// use is sampled as the run goes; it must stop growing once connections,
// caches and pools are warm. Leaks are LeakSanitizer's job: the suite also
// runs in the AddressSanitizer build, where any leak fails this test's
// process at exit.
//
// A second case clicks for 1,000,000 tenants that never saved: each is
// refused before any network call, and the heap must stay flat.
//
// WISEPAY_SOAK_CLICKS and WISEPAY_UNKNOWN_TENANTS override the counts.
#include <malloc.h>

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/wired_plugin.h"

#if defined(__SANITIZE_ADDRESS__)
#define WISEPAY_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WISEPAY_UNDER_ASAN 1
#endif
#endif
#ifdef WISEPAY_UNDER_ASAN
#include <sanitizer/allocator_interface.h>
#endif

using namespace wisepay::test;
namespace json = boost::json;

namespace {

// Bytes the process has allocated and not freed: the allocator's own count,
// which unlike the resident size does not depend on when pages are returned.
std::size_t heap_in_use() {
#ifdef WISEPAY_UNDER_ASAN
    return __sanitizer_get_current_allocated_bytes();
#else
    const struct mallinfo2 info = ::mallinfo2();
    return info.uordblks + info.hblkhd;
#endif
}

std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

struct Outcomes {
    std::atomic<long> ok{0}, payer_not_found{0}, invalid_email{0}, other{0};
};

// One click through the raw ABI, as a host makes it; counts the outcome.
void click(const wisepay_plugin_api &api, wisepay_instance *instance, long n, Outcomes &outcomes) {
    const std::string invoice = "inv_" + std::to_string(n);
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = "acme";
    request.invoice_id = invoice.c_str();
    request.invoice_number = invoice.c_str();
    // Nine clicks in ten by the payer, then a stranger, then a typo.
    request.user_email = n % 10 == 8   ? "stranger@customer.example"
                         : n % 10 == 9 ? "not an email"
                                       : kPayer.c_str();
    wisepay_redirect *redirect = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = api.open_invoice(instance, &request, &redirect, &error);
    if (status == WISEPAY_OK && redirect != nullptr && redirect->url[0] != '\0') {
        ++outcomes.ok;
    } else if (status == WISEPAY_E_PAYER_NOT_FOUND) {
        ++outcomes.payer_not_found;
    } else if (status == WISEPAY_E_INVALID_ARGUMENT && error != nullptr &&
               std::string(error->code) == "invalid_email") {
        ++outcomes.invalid_email;
    } else {
        ++outcomes.other;
        if (error != nullptr)
            std::fprintf(stderr, "unexpected: %s\n", error->message);
    }
    api.free_redirect(redirect);
    api.free_error(error);
}

}  // namespace

TEST_CASE("100,000 invoice clicks: every answer right, and memory stops growing") {
    const char *override_clicks = std::getenv("WISEPAY_SOAK_CLICKS");
    const long clicks = override_clicks != nullptr ? std::atol(override_clicks) : 100'000;
    constexpr int kThreads = 4;
    constexpr long kWarmUp = 1'000;
    REQUIRE(clicks >= 10 * kWarmUp);

    // The plugin's default deadline: a loaded sanitizer build may be slow.
    WiredPlugin s(FakeWisePay::Certificate::kValid, 10'000);
    s.fake.keep_requests(false);  // the fake's own memory must stay flat too
    const wisepay_plugin_api &api = plugin_api();

    Outcomes outcomes;
    // Clicks are numbered 0..clicks-1 and handed out to the threads in
    // order; memory is sampled after the warm-up and then every tenth.
    auto run = [&](long from, long to) {
        std::atomic<long> next{from};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&] {
                for (long n = next++; n < to; n = next++)
                    click(api, s.plugin.raw(), n, outcomes);
            });
        }
        for (std::thread &thread : threads)
            thread.join();
    };

    run(0, kWarmUp);
    const std::size_t heap_warm = heap_in_use();
    const std::size_t resident_warm = resident_bytes();
    std::size_t heap_peak = heap_warm;
    const long step = (clicks - kWarmUp) / 10;
    for (long from = kWarmUp; from < clicks; from += step) {
        run(from, std::min(from + step, clicks));
        heap_peak = std::max(heap_peak, heap_in_use());
    }
    const std::size_t heap_end = heap_in_use();
    const std::size_t resident_end = resident_bytes();

    std::printf(
        "soak: %ld clicks (%ld ok, %ld payer_not_found, %ld invalid_email), heap in use "
        "%zu KiB after %ld, %zu KiB at the end (peak %zu KiB), resident %zu -> %zu KiB\n",
        clicks, outcomes.ok.load(), outcomes.payer_not_found.load(), outcomes.invalid_email.load(),
        heap_warm / 1024, kWarmUp, heap_end / 1024, heap_peak / 1024, resident_warm / 1024,
        resident_end / 1024);

    // Every click got its right answer.
    CHECK(outcomes.other == 0);
    CHECK(outcomes.ok == clicks - 2 * (clicks / 10));
    CHECK(outcomes.payer_not_found == clicks / 10);
    CHECK(outcomes.invalid_email == clicks / 10);
    // Only valid emails reach Wise-Pay, and each exactly once.
    CHECK(s.fake.requests_received() == static_cast<std::size_t>(clicks - clicks / 10));
    const json::object stats = json::parse(s.plugin.stats().json).as_object();
    CHECK(stats.at("calls").at("open_invoice").at("ok").to_number<long>() == outcomes.ok);

    // Memory stopped growing after the warm-up: within 1 MiB over the other
    // 99,000 clicks (a leak of even 16 bytes a click would be 1.5 MiB).
    constexpr std::size_t kMiB = 1024 * 1024;
    CHECK(heap_end < heap_warm + kMiB);
    CHECK(heap_peak < heap_warm + kMiB);
}

TEST_CASE("clicks naming 1,000,000 tenants that never saved: memory stays flat") {
    // Tenant ids come from the host's callers; each unknown one must cost a
    // read, not memory kept for good. WISEPAY_UNKNOWN_TENANTS overrides the count.
    const char *override_count = std::getenv("WISEPAY_UNKNOWN_TENANTS");
    const long tenants = override_count != nullptr ? std::atol(override_count) : 1'000'000;
    constexpr long kWarmUp = 10'000;
    REQUIRE(tenants >= 10 * kWarmUp);

    WiredPlugin s;
    // Each refusal is logged with its support id; the host keeps a few.
    s.host.keep_logs(100);
    const std::size_t logs_before = s.host.log_count();
    const wisepay_plugin_api &api = plugin_api();
    long refused_right = 0;
    auto click_unknown = [&](long n) {
        const std::string tenant = "unknown-" + std::to_string(n);
        wisepay_invoice_request request{};
        request.struct_size = sizeof request;
        request.tenant_id = tenant.c_str();
        request.user_email = kPayer.c_str();
        request.invoice_id = "inv_1";
        wisepay_redirect *redirect = nullptr;
        wisepay_error *error = nullptr;
        if (api.open_invoice(s.plugin.raw(), &request, &redirect, &error) == WISEPAY_E_NO_API_KEY)
            ++refused_right;
        api.free_redirect(redirect);
        api.free_error(error);
    };
    for (long n = 0; n < kWarmUp; ++n)
        click_unknown(n);
    const std::size_t heap_warm = heap_in_use();
    for (long n = kWarmUp; n < tenants; ++n)
        click_unknown(n);
    const std::size_t heap_end = heap_in_use();
    std::printf("soak: %ld unknown tenants, heap in use %zu KiB after %ld, %zu KiB at the end\n",
                tenants, heap_warm / 1024, kWarmUp, heap_end / 1024);

    CHECK(refused_right == tenants);
    CHECK(s.fake.requests_received() == 0);  // refused before any network call
    CHECK(s.host.log_count() - logs_before == static_cast<std::size_t>(tenants));
    // 990,000 more tenants in 256 KiB: under 0.3 bytes a tenant.
    CHECK(heap_end < heap_warm + 256 * 1024);
}
