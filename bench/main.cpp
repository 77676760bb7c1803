// wisepay_bench: the invoice click and the settings calls, measured side by
// side in one run against a fake Wise-Pay over TLS on loopback. Prints a
// table of p50/p99, throughput and ratios against libcurl and against the
// limit (a bare client on one kept-alive TLS connection), and which targets
// are met. Timings are printed, never asserted: machines are shared and
// noisy, so only ratios from the same run mean anything.
//
//   wisepay_bench [--quick | --smoke] [--markdown <file>]
//
// --quick uses fewer samples; --smoke only checks that every part runs (the
// test suite uses it so the benchmark cannot rot; its numbers mean nothing).
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/clients.h"
#include "bench/samples.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/temp_dir.h"

using namespace wisepay::bench;
using Clock = std::chrono::steady_clock;

namespace {

double micros_since(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

template <typename F>
double time_us(F &&f) {
    const auto start = Clock::now();
    f();
    return micros_since(start);
}

std::size_t resident_kib() {
    std::ifstream statm("/proc/self/statm");
    std::size_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) / 1024;
}

// The report: rows of a Markdown table, printed and optionally written out.
struct Report {
    std::vector<std::string> rows;
    std::vector<std::string> targets;
    void row(const std::string &what, const std::string &plugin, const std::string &peer,
             const std::string &limit, const std::string &ratio) {
        rows.push_back("| " + what + " | " + plugin + " | " + peer + " | " + limit + " | " + ratio +
                       " |");
        std::printf("%-44s plugin %-18s libcurl %-18s limit %-12s %s\n", what.c_str(),
                    plugin.c_str(), peer.c_str(), limit.c_str(), ratio.c_str());
        std::fflush(stdout);
    }
    void target(const std::string &what, double value, double bound, bool at_most,
                const char *unit) {
        const bool met = at_most ? value <= bound : value >= bound;
        char line[256];
        std::snprintf(line, sizeof line, "| %s | %.2f%s | %s %.2f%s | %s |", what.c_str(), value,
                      unit, at_most ? "<=" : ">=", bound, unit, met ? "met" : "**missed**");
        targets.push_back(line);
        std::printf("target: %s: %.2f%s (%s %.2f%s) %s\n", what.c_str(), value, unit,
                    at_most ? "<=" : ">=", bound, unit, met ? "met" : "MISSED");
    }
};

std::string us(double value) {
    char text[32];
    std::snprintf(text, sizeof text, value < 10 ? "%.2f us" : "%.0f us", value);
    return text;
}
std::string ratio(double a, double b) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2fx", b > 0 ? a / b : 0.0);
    return text;
}
// Sizes print through snprintf: GCC 12 warns falsely (-Wrestrict) on
// "literal" + std::to_string(...).
std::string kib(long long value) {
    char text[32];
    std::snprintf(text, sizeof text, "%lld KiB", value);
    return text;
}
std::string per_second(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f/s", value);
    return text;
}

// Runs `clicks` clicks on each of `threads` threads, each thread with the
// client `make(i)` gives; returns the samples and the wall time.
template <typename MakeClient>
std::pair<Samples, double> run_threads(int threads, int clicks, MakeClient make) {
    std::vector<Samples> per_thread(threads);
    std::vector<std::thread> pool;
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            auto client = make(t);
            for (int i = 0; i < 20; ++i)
                client->click();  // warm: connection open
            ++ready;
            while (!go)
                std::this_thread::yield();
            for (int i = 0; i < clicks; ++i)
                per_thread[t].add(time_us([&] { client->click(); }));
        });
    }
    while (ready < threads)
        std::this_thread::yield();
    const auto start = Clock::now();
    go = true;
    for (auto &thread : pool)
        thread.join();
    const double wall_us = micros_since(start);
    Samples all;
    for (auto &samples : per_thread)
        all.add_all(samples);
    return {all, wall_us};
}

// A click client that shares one plugin instance between threads.
struct SharedPluginClick {
    PluginClient &plugin;
    void click() { plugin.click(); }
};

std::string machine_description() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line, model;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    }
    utsname uts{};
    ::uname(&uts);
    return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores, Linux " +
           uts.release;
}

// How many samples each part takes.
struct Counts {
    int warm_clicks;
    int cold_rounds;
    int threaded_clicks;  // per thread count, split across the threads
    long memory_clicks;
    long memory_baseline_clicks;
    int hot_reads;
    int hot_reads_per_thread;
    int saves;
    int lifecycles;
};
constexpr int kConcurrencyRounds = 3;
constexpr Counts kFull{2000, 30, 24'000, 100'000, 1000, 100'000, 20'000, 200, 50};
constexpr Counts kQuick{500, 10, 4800, 100'000, 1000, 20'000, 5'000, 50, 10};
constexpr Counts kSmoke{50, 2, 96, 300, 100, 200, 50, 4, 2};

}  // namespace

int main(int argc, char **argv) {
    Counts counts = kFull;
    std::string markdown;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            counts = kQuick;
        } else if (std::strcmp(argv[i], "--smoke") == 0) {
            counts = kSmoke;
        } else if (std::strcmp(argv[i], "--markdown") == 0 && i + 1 < argc) {
            markdown = argv[++i];
        } else {
            std::fprintf(stderr, "usage: wisepay_bench [--quick | --smoke] [--markdown <file>]\n");
            return 2;
        }
    }
    const int warm_clicks = counts.warm_clicks;

    init_curl();
    wisepay::test::FakeWisePay fake;
    fake.keep_requests(false);
    Target target;
    target.base_url = fake.base_url();
    target.host = "127.0.0.1";
    target.port = fake.port();
    target.ca_file = fake.ca_file();
    target.api_key = "wp_live_BENCHkey_0001";
    target.payer_email = "pat@customer.example";
    fake.add_merchant(target.api_key, "Acme Payments");
    fake.add_payer(target.api_key, target.payer_email);
    wisepay::test::TempDir dir;
    const std::string database = dir.file("bench.db");
    Report report;
    std::printf("machine: %s\n", machine_description().c_str());

    // 5. Memory first, while the process holds nothing else of note.
    const std::size_t before_create = resident_kib();
    auto plugin = std::make_unique<PluginClient>(target, database);
    const std::size_t after_create = resident_kib();
    for (long i = 0; i < counts.memory_baseline_clicks; ++i)
        plugin->click();
    const std::size_t after_1k = resident_kib();
    for (long i = counts.memory_baseline_clicks; i < counts.memory_clicks; ++i)
        plugin->click();
    const std::size_t after_100k = resident_kib();

    // 1. Warm click, in alternating rounds so drift hits all three alike.
    CurlClient curl(target);
    LimitClient limit(target);
    for (int i = 0; i < 200; ++i) {
        plugin->click();
        curl.click();
        limit.click();
    }
    Samples warm_plugin, warm_curl, warm_limit;
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < warm_clicks / 5; ++i)
            warm_plugin.add(time_us([&] { plugin->click(); }));
        for (int i = 0; i < warm_clicks / 5; ++i)
            warm_curl.add(time_us([&] { curl.click(); }));
        for (int i = 0; i < warm_clicks / 5; ++i)
            warm_limit.add(time_us([&] { limit.click(); }));
    }
    report.row("warm click p50", us(warm_plugin.p50()), us(warm_curl.p50()), us(warm_limit.p50()),
               ratio(warm_plugin.p50(), warm_curl.p50()) + " of libcurl");
    report.row("warm click p99", us(warm_plugin.p99()), us(warm_curl.p99()), us(warm_limit.p99()),
               ratio(warm_plugin.p99(), warm_curl.p99()) + " of libcurl");
    const double overhead = warm_plugin.p50() - warm_limit.p50();
    report.row("plugin overhead above the limit (p50)", us(overhead), "", "", "");

    // 2. Cold click: the first call after create against libcurl's first.
    Samples cold_plugin, cold_curl;
    for (int i = 0; i < counts.cold_rounds; ++i) {
        PluginClient fresh(target, database);
        cold_plugin.add(time_us([&] { fresh.click(); }));
        CurlClient fresh_curl(target);
        cold_curl.add(time_us([&] { fresh_curl.click(); }));
    }
    report.row("cold click p50 (new TLS connection)", us(cold_plugin.p50()), us(cold_curl.p50()),
               "", ratio(cold_plugin.p50(), cold_curl.p50()) + " of libcurl");

    // 3. Concurrency: one shared instance against one libcurl handle per
    // thread, in alternating rounds (as the warm clicks) so that drift on a
    // shared machine hits both alike.
    double plugin_8_rate = 0, curl_8_rate = 0, plugin_8_p99 = 0, curl_8_p99 = 0;
    for (int threads : {1, 2, 4, 8}) {
        const int clicks = counts.threaded_clicks / threads / kConcurrencyRounds;
        Samples plugin_samples, curl_samples;
        double plugin_wall = 0, curl_wall = 0;
        for (int round = 0; round < kConcurrencyRounds; ++round) {
            auto [p_samples, p_wall] = run_threads(threads, clicks, [&](int) {
                return std::make_unique<SharedPluginClick>(SharedPluginClick{*plugin});
            });
            auto [c_samples, c_wall] = run_threads(
                threads, clicks, [&](int) { return std::make_unique<CurlClient>(target); });
            plugin_samples.add_all(p_samples);
            curl_samples.add_all(c_samples);
            plugin_wall += p_wall;
            curl_wall += c_wall;
        }
        const double total = static_cast<double>(clicks) * threads * kConcurrencyRounds;
        const double plugin_rate = total / (plugin_wall / 1e6);
        const double curl_rate = total / (curl_wall / 1e6);
        report.row(std::to_string(threads) + " threads: throughput", per_second(plugin_rate),
                   per_second(curl_rate), "", ratio(plugin_rate, curl_rate) + " of libcurl");
        report.row(std::to_string(threads) + " threads: p99", us(plugin_samples.p99()),
                   us(curl_samples.p99()), "",
                   ratio(plugin_samples.p99(), curl_samples.p99()) + " of libcurl");
        if (threads == 8) {
            plugin_8_rate = plugin_rate;
            curl_8_rate = curl_rate;
            plugin_8_p99 = plugin_samples.p99();
            curl_8_p99 = curl_samples.p99();
        }
    }

    // 4. Settings: hot reads (1 and 8 threads), saves, create/destroy.
    const wisepay_plugin_api &api = plugin_api();
    auto read_settings = [&] {
        char *json = nullptr;
        if (api.get_settings(plugin->raw(), "acme", &json, nullptr) != WISEPAY_OK)
            std::abort();
        api.free_string(json);
    };
    for (int i = 0; i < 1000; ++i)
        read_settings();
    Samples hot_read;
    for (int i = 0; i < counts.hot_reads; ++i)
        hot_read.add(time_us(read_settings));
    struct Reader {
        std::function<void()> read;
        void click() { read(); }
    };
    auto [hot_read_8, hot_read_8_wall] = run_threads(8, counts.hot_reads_per_thread, [&](int) {
        return std::make_unique<Reader>(Reader{read_settings});
    });
    report.row("get-settings, hot cache, p50", us(hot_read.p50()), "", "", "");
    report.row("get-settings, hot cache, 8 threads p50", us(hot_read_8.p50()), "", "", "");

    Samples saves;
    {
        char *json = nullptr;
        api.get_settings(plugin->raw(), "acme", &json, nullptr);
        const std::string current(json);
        api.free_string(json);
        long long version = std::stoll(current.substr(current.find("\"version\":") + 10));
        for (int i = 0; i < counts.saves; ++i) {
            const std::string body = i % 2 ? "{\"enabled\":true}" : "{\"enabled\":false}";
            wisepay_save_request save{};
            save.struct_size = sizeof save;
            save.tenant_id = "acme";
            save.actor = "bench";
            save.expected_version = version++;
            save.settings_json = body.data();
            save.settings_json_len = body.size();
            saves.add(time_us([&] {
                if (api.save_settings(plugin->raw(), &save, nullptr, nullptr) != WISEPAY_OK)
                    std::abort();
            }));
        }
    }
    report.row("save-settings p50 (fsync-bound)", us(saves.p50()), "", "", "");
    Samples lifecycles;
    for (int i = 0; i < counts.lifecycles; ++i)
        lifecycles.add(time_us([&] { PluginClient fresh(target, database); }));
    report.row("create + destroy p50", us(lifecycles.p50()), "", "", "");

    report.row("resident size after create", kib(static_cast<long long>(after_create)), "", "",
               kib(static_cast<long long>(after_create) - static_cast<long long>(before_create)) +
                   " more than before create");
    report.row("resident size after 1,000 clicks", kib(static_cast<long long>(after_1k)), "", "",
               "");
    report.row("resident size after 100,000 clicks", kib(static_cast<long long>(after_100k)), "",
               "",
               kib(static_cast<long long>(after_100k) - static_cast<long long>(after_1k)) +
                   " more than after 1,000");

    report.target("warm click p50 / libcurl's", warm_plugin.p50() / warm_curl.p50(), 1.10, true,
                  "x");
    report.target("plugin overhead above the limit", overhead, 50, true, " us");
    report.target("throughput at 8 threads / libcurl's", plugin_8_rate / curl_8_rate, 1.0, false,
                  "x");
    report.target("p99 at 8 threads / libcurl's", plugin_8_p99 / curl_8_p99, 1.5, true, "x");
    report.target("cold click p50 / libcurl's", cold_plugin.p50() / cold_curl.p50(), 1.2, true,
                  "x");
    report.target("hot get-settings p50", hot_read.p50(), 5, true, " us");
    report.target("memory growth, 1,000 to 100,000 clicks",
                  (static_cast<double>(after_100k) - static_cast<double>(after_1k)) / 1024.0, 1.0,
                  true, " MiB");

    if (!markdown.empty()) {
        std::ofstream out(markdown);
        char date[32];
        const std::time_t now = std::time(nullptr);
        std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
        out << "| measure | plugin | libcurl | limit | ratio |\n|---|---|---|---|---|\n";
        for (const auto &row : report.rows)
            out << row << "\n";
        out << "\n| target | this run | bound | |\n|---|---|---|---|\n";
        for (const auto &row : report.targets)
            out << row << "\n";
        out << "\nMachine: " << machine_description() << ". Date: " << date << ".\n";
    }
    plugin.reset();

    return 0;
}
