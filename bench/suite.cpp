// A whole benchmark run (suite.h): servers and clients set up, then the
// report's sections in order (callgrind counts, warm click, TLS, concurrency,
// cold paths, settings calls, targets), each measuring and writing its own
// tables.
#include "bench/suite.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bench/callgrind.h"
#include "bench/cold_rows.h"
#include "bench/cpu_meter.h"
#include "bench/cpu_pinning.h"
#include "bench/fixture.h"
#include "bench/machine.h"
#include "bench/plugin_client.h"
#include "bench/report.h"
#include "bench/save_worker.h"
#include "bench/settings_rows.h"
#include "bench/thread_rows.h"
#include "bench/warm_rounds.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

namespace wisepay::bench {
namespace {

constexpr std::array<ClientKind, 3> kKinds = {ClientKind::kPlugin, ClientKind::kCurl,
                                              ClientKind::kRaw};
constexpr std::size_t kPlugin = 0, kCurl = 1, kRaw = 2;
// Rounds are shuffled from fixed seeds: two runs shuffle alike.
constexpr unsigned kSeed = 20261129;

using PerKind = std::array<double, 3>;

std::vector<std::string> client_columns(const std::string &first) {
    return {first, "plugin", "libcurl", "raw OpenSSL", "plugin / libcurl", "plugin / raw OpenSSL"};
}

// A row of one figure per client with the plugin's two ratios.
std::vector<std::string> ratio_row(const std::string &what, const PerKind &value,
                                   std::string (*format)(double)) {
    return {what,
            format(value[kPlugin]),
            format(value[kCurl]),
            format(value[kRaw]),
            fmt_x(value[kPlugin] / value[kCurl]),
            fmt_x(value[kPlugin] / value[kRaw])};
}

std::string fmt_instructions(double value) {
    return fmt_count(value);
}

// What the targets need from the sections that measure them.
struct Findings {
    Spread cpu_vs_curl, cpu_vs_raw, postgres_vs_sqlite;
    std::optional<PerKind> instructions;  // callgrind, when it ran
    std::string instructions_note;
    double get_settings_postgres_p50 = -1;
};

// ---------------------------------------------------------------------------

struct CallgrindFigures {
    std::string not_run;  // why not, "" when counted
    std::array<std::vector<double>, 3> per_click;
};

CallgrindFigures count_with_callgrind(const Options &options) {
    CallgrindFigures figures;
    const Counts &counts = options.counts;
    std::string missing = valgrind_missing();
    const bool under_valgrind = options.callgrind && missing.empty();
    if (!options.callgrind)
        figures.not_run = "not run (--no-callgrind or --smoke)";
    else if (!missing.empty())
        figures.not_run = "not run (" + missing + ")";
    test::TempDir scratch;
    const std::string dir =
        options.callgrind_dir.empty() ? scratch.path().string() : options.callgrind_dir;
    for (std::size_t k = 0; k < kKinds.size(); ++k) {
        const int repeats = under_valgrind ? counts.callgrind_repeats : 1;
        for (int r = 0; r < repeats; ++r) {
            const std::string out =
                dir + "/callgrind." + cli_name_of(kKinds[k]) + "." + std::to_string(r + 1) + ".out";
            std::printf("callgrind: %s, run %d of %d%s...\n", name_of(kKinds[k]), r + 1, repeats,
                        under_valgrind ? "" : " (natively: checks the counting mode only)");
            std::fflush(stdout);
            const CallgrindCount count = count_instructions(
                kKinds[k], counts.callgrind_warmup, counts.callgrind_clicks, out, under_valgrind);
            if (!count.ok) {
                std::fprintf(stderr, "bench: callgrind: %s\n", count.error.c_str());
                std::exit(1);
            }
            if (under_valgrind)
                figures.per_click[k].push_back(count.per_click);
        }
    }
    return figures;
}

// ---------------------------------------------------------------------------

void warm_section(Report &report, const Options &options, std::vector<Contender> contenders,
                  const CallgrindFigures &callgrind, Findings &findings) {
    const Counts &counts = options.counts;
    WarmPlan plan{counts.warmup, counts.rounds, counts.clicks, kSeed};
    WarmResult result = run_warm_rounds(contenders, plan);
    auto &p = result.per_client;

    report.heading("Warm click: one thread, one kept-alive connection per client");
    report.paragraph(
        "Each client first clicked " + fmt_count(counts.warmup) + " times; then " +
        std::to_string(counts.rounds) + " rounds of " + fmt_count(counts.clicks) +
        " clicks per client, in an order shuffled every round. CPU time is the clicking "
        "thread's (user + system), per click; figures are the median over rounds with the "
        "min-max in brackets, and each ratio is taken within a round.");
    report.table(client_columns("measure"));
    std::array<Spread, 3> cpu;
    for (std::size_t k = 0; k < kKinds.size(); ++k)
        cpu[k] = spread_of(p[k].cpu_us);
    findings.cpu_vs_curl = spread_of(ratios(p[kPlugin].cpu_us, p[kCurl].cpu_us));
    findings.cpu_vs_raw = spread_of(ratios(p[kPlugin].cpu_us, p[kRaw].cpu_us));
    report.row({"client CPU per click", fmt_spread_us(cpu[kPlugin]), fmt_spread_us(cpu[kCurl]),
                fmt_spread_us(cpu[kRaw]), fmt_spread_x(findings.cpu_vs_curl),
                fmt_spread_x(findings.cpu_vs_raw)});

    PerKind kernel_share{};
    for (std::size_t k = 0; k < kKinds.size(); ++k)
        kernel_share[k] = p[k].total_us > 0 ? p[k].system_us / p[k].total_us : 0;
    report.row({"of which in the kernel (all rounds; tick-sampled)", fmt_percent(kernel_share[0]),
                fmt_percent(kernel_share[1]), fmt_percent(kernel_share[2]), "", ""});

    if (callgrind.not_run.empty()) {
        PerKind mean{};
        std::array<std::string, 3> each;
        for (std::size_t k = 0; k < kKinds.size(); ++k) {
            for (const double value : callgrind.per_click[k]) {
                mean[k] += value / static_cast<double>(callgrind.per_click[k].size());
                each[k] += (each[k].empty() ? "" : " / ") + fmt_count(value);
            }
        }
        findings.instructions = mean;
        report.row(ratio_row("instructions per click (callgrind, " +
                                 fmt_count(counts.callgrind_clicks) + " clicks after " +
                                 fmt_count(counts.callgrind_warmup) + " warm-up)",
                             mean, fmt_instructions));
        if (callgrind.per_click[kPlugin].size() > 1)
            report.row({"the same, each callgrind run", each[0], each[1], each[2], "", ""});
    } else {
        findings.instructions_note = callgrind.not_run;
        report.row({"instructions per click (callgrind)", callgrind.not_run, "", "", "", ""});
    }
    if (!p[kPlugin].instructions.empty()) {
        std::array<Spread, 3> counted;
        for (std::size_t k = 0; k < kKinds.size(); ++k)
            counted[k] = spread_of(p[k].instructions);
        report.row(
            {"instructions per click (hardware counters)", fmt_count(counted[kPlugin].median),
             fmt_count(counted[kCurl].median), fmt_count(counted[kRaw].median),
             fmt_spread_x(spread_of(ratios(p[kPlugin].instructions, p[kCurl].instructions))),
             fmt_spread_x(spread_of(ratios(p[kPlugin].instructions, p[kRaw].instructions)))});
    } else {
        report.row({"instructions per click (hardware counters)", InstructionCounter().why_not(),
                    "", "", "", ""});
    }
    PerKind p50{}, p99{};
    for (std::size_t k = 0; k < kKinds.size(); ++k) {
        p50[k] = p[k].latency_us.p50();
        p99[k] = p[k].latency_us.p99();
    }
    report.row(ratio_row("latency p50", p50, fmt_us));
    report.row(ratio_row("latency p99", p99, fmt_us));
    report.paragraph(
        "CPU time of the whole process over the rounds: " + fmt_count(result.process_cpu_us) +
        " us; of the clicking thread: " + fmt_count(result.thread_cpu_us) +
        " us (the difference is work the per-click figures would miss).");

    if (contenders.size() > kKinds.size()) {
        const std::size_t pg = kKinds.size();
        findings.postgres_vs_sqlite = spread_of(ratios(p[pg].cpu_us, p[kPlugin].cpu_us));
        report.heading("Warm click on each settings backend (same rounds)");
        report.table({"measure", "plugin, SQLite", "plugin, PostgreSQL", "PostgreSQL / SQLite"});
        report.row({"client CPU per click", fmt_spread_us(cpu[kPlugin]),
                    fmt_spread_us(spread_of(p[pg].cpu_us)),
                    fmt_spread_x(findings.postgres_vs_sqlite)});
        report.row({"latency p50", fmt_us(p50[kPlugin]), fmt_us(p[pg].latency_us.p50()),
                    fmt_x(p[pg].latency_us.p50() / p50[kPlugin])});
        report.row({"latency p99", fmt_us(p99[kPlugin]), fmt_us(p[pg].latency_us.p99()),
                    fmt_x(p[pg].latency_us.p99() / p99[kPlugin])});
    }
}

void tls_section(Report &report, ServerProcess &server) {
    report.heading("TLS as the server saw it (whole run so far)");
    report.paragraph(
        "Counted by the server per User-Agent; the plugin's row holds both of its long-lived "
        "instances (SQLite and PostgreSQL backends).");
    report.table({"client", "User-Agent", "TLS version", "cipher", "full handshakes",
                  "resumed handshakes", "requests"});
    for (const ClientKind kind : kKinds) {
        const ServerProcess::ClientTls tls = server.client(user_agent_prefix_of(kind));
        report.row({name_of(kind), tls.user_agent, tls.version, tls.cipher,
                    fmt_count(static_cast<double>(tls.full_handshakes)),
                    fmt_count(static_cast<double>(tls.resumed_handshakes)),
                    fmt_count(static_cast<double>(tls.requests))});
    }
}

void thread_section(Report &report, const Options &options, Fixture &fixture,
                    PluginClient &plugin) {
    const Counts &counts = options.counts;
    const Target &target = fixture.target();
    const std::array<ClientMaker, 3> makers = {
        [&] { return std::unique_ptr<Client>(new SharedPluginClient(plugin)); },
        [&] { return make_curl_client(target); }, [&] { return make_raw_client(target); }};
    report.heading("Concurrency: N threads clicking at once");
    report.paragraph(
        "All client threads share the client CPU. The plugin's threads share one instance (as a "
        "host's request threads do); libcurl and raw OpenSSL have one handle or connection per "
        "thread. Each thread warms up with " +
        std::to_string(counts.thread_warmup) + " clicks; then " + fmt_count(counts.thread_clicks) +
        " clicks per run, " + std::to_string(counts.thread_rounds) +
        " runs per client in shuffled order; CPU time is summed over the clicking threads. "
        "\"Server busy\" is the server's CPU time over the wall time (highest of the runs): "
        "well below 100% means the server did not set the pace.");
    report.table(client_columns("threads: measure"));
    std::mt19937 rng(kSeed + 1);
    for (const int threads : {1, 2, 4, 8}) {
        const int per_thread = std::max(1, counts.thread_clicks / threads);
        std::array<std::vector<double>, 3> cpu, rate;
        std::array<Samples, 3> latency;
        PerKind busy{};
        std::array<std::size_t, 3> order = {0, 1, 2};
        for (int run = 0; run < counts.thread_rounds; ++run) {
            std::shuffle(order.begin(), order.end(), rng);
            for (const std::size_t k : order) {
                ThreadRun result = run_threads(threads, counts.thread_warmup, per_thread, makers[k],
                                               fixture.server());
                cpu[k].push_back(result.cpu_us_per_click);
                rate[k].push_back(result.clicks_per_second);
                latency[k].add_all(result.latency_us);
                busy[k] = std::max(busy[k], result.server_busy);
            }
        }
        const std::string n = std::to_string(threads) + ": ";
        report.row({n + "client CPU per click", fmt_spread_us(spread_of(cpu[kPlugin])),
                    fmt_spread_us(spread_of(cpu[kCurl])), fmt_spread_us(spread_of(cpu[kRaw])),
                    fmt_spread_x(spread_of(ratios(cpu[kPlugin], cpu[kCurl]))),
                    fmt_spread_x(spread_of(ratios(cpu[kPlugin], cpu[kRaw])))});
        PerKind clicks_per_second{}, p50{}, p99{};
        for (std::size_t k = 0; k < kKinds.size(); ++k) {
            clicks_per_second[k] = spread_of(rate[k]).median;
            p50[k] = latency[k].p50();
            p99[k] = latency[k].p99();
        }
        report.row(ratio_row(n + "clicks per second (median)", clicks_per_second,
                             [](double v) { return fmt_count(v) + "/s"; }));
        report.row(ratio_row(n + "latency p50", p50, fmt_us));
        report.row(ratio_row(n + "latency p99", p99, fmt_us));
        report.row({n + "server busy", fmt_percent(busy[kPlugin]), fmt_percent(busy[kCurl]),
                    fmt_percent(busy[kRaw]), "", ""});
    }
}

void cold_section(Report &report, const Options &options, Fixture &fixture,
                  const std::string &sqlite_config, std::vector<Client *> long_lived) {
    const Counts &counts = options.counts;
    const Target &target = fixture.target();
    const std::vector<ColdStart> starts = {
        [&] {
            return std::unique_ptr<Client>(new PluginClient(sqlite_config, target.payer_email));
        },
        [&] { return make_curl_client(target); }, [&] { return make_raw_client(target); }};
    std::vector<ColdFigures> cold = run_cold_starts(starts, counts.cold_samples, kSeed + 2);

    std::array<ServerProcess::ClientTls, 3> before;
    for (std::size_t k = 0; k < kKinds.size(); ++k)
        before[k] = fixture.server().client(user_agent_prefix_of(kKinds[k]));
    std::vector<ColdFigures> again =
        run_reconnects(long_lived, counts.reconnect_samples, fixture.server(), kSeed + 3);
    std::array<std::string, 3> resumed;
    for (std::size_t k = 0; k < kKinds.size(); ++k) {
        const ServerProcess::ClientTls after =
            fixture.server().client(user_agent_prefix_of(kKinds[k]));
        resumed[k] =
            fmt_count(
                static_cast<double>(after.resumed_handshakes - before[k].resumed_handshakes)) +
            " resumed, " +
            fmt_count(static_cast<double>(after.full_handshakes - before[k].full_handshakes)) +
            " full";
    }

    report.heading("Cold paths");
    report.paragraph(
        "Cold start: a new client (plugin create(), which also opens the settings database; a "
        "new libcurl easy handle; a new OpenSSL context) and its first click, on a new "
        "connection with a full TLS handshake; " +
        fmt_count(counts.cold_samples) +
        " samples per client, destroying the client is not timed. Reconnect: a long-lived "
        "client whose kept connection the server has just closed (TCP close, no close_notify), "
        "as a server dropping idle connections would (the plugin's own idle timeout is 60 s and "
        "the C ABI cannot shorten it); its click notices, connects again and resumes the TLS "
        "session; " +
        fmt_count(counts.reconnect_samples) + " samples per client. CPU is the clicking thread's.");
    report.table(client_columns("measure"));
    const auto figure_row = [&](const std::string &what, std::vector<ColdFigures> &figures,
                                Samples ColdFigures::*samples, double percentile) {
        PerKind value{};
        for (std::size_t k = 0; k < kKinds.size(); ++k)
            value[k] = (figures[k].*samples).percentile(percentile);
        report.row(ratio_row(what, value, fmt_us));
    };
    figure_row("cold start + first click, wall p50", cold, &ColdFigures::wall_us, 50);
    figure_row("cold start + first click, wall p99", cold, &ColdFigures::wall_us, 99);
    figure_row("cold start + first click, client CPU p50", cold, &ColdFigures::cpu_us, 50);
    figure_row("of which the first click, wall p50", cold, &ColdFigures::first_click_us, 50);
    figure_row("reconnect with TLS resumption, wall p50", again, &ColdFigures::wall_us, 50);
    figure_row("reconnect with TLS resumption, wall p99", again, &ColdFigures::wall_us, 99);
    figure_row("reconnect with TLS resumption, client CPU p50", again, &ColdFigures::cpu_us, 50);
    report.row({"reconnect: handshakes the server saw", resumed[kPlugin], resumed[kCurl],
                resumed[kRaw], "", ""});
}

void settings_section(Report &report, const Options &options, PluginClient &plugin,
                      PluginClient *plugin_pg, const std::string &sqlite_config,
                      const std::string &postgres_config, Findings &findings) {
    const Counts &counts = options.counts;
    std::vector<PluginClient *> instances = {&plugin};
    if (plugin_pg != nullptr)
        instances.push_back(plugin_pg);
    std::vector<Samples> reads =
        time_get_settings(instances, counts.settings_rounds, counts.settings_reads, kSeed + 4);
    const double sqlite_saves = saves_per_second(sqlite_config, 2, 4, counts.save_ms, "save-");
    const double postgres_saves =
        plugin_pg ? saves_per_second(postgres_config, 2, 4, counts.save_ms, "save-") : 0;

    report.heading("Settings calls on each backend");
    report.paragraph(
        "get-settings: " + std::to_string(counts.settings_rounds) + " rounds of " +
        fmt_count(counts.settings_reads) +
        " reads per backend, shuffled per round. Saves: 2 processes with one instance and 4 "
        "threads each, every thread saving a tenant of its own for " +
        fmt_count(counts.save_ms) + " ms (every save commits with its audit row).");
    report.table({"measure", "SQLite", "PostgreSQL", "PostgreSQL / SQLite"});
    const auto row = [&](const std::string &what, double sqlite, double postgres,
                         std::string (*format)(double)) {
        if (plugin_pg == nullptr)
            report.row({what, format(sqlite), "not run", ""});
        else
            report.row({what, format(sqlite), format(postgres), fmt_x(postgres / sqlite)});
    };
    row("get-settings p50", reads[0].p50(), plugin_pg ? reads[1].p50() : 0, fmt_us);
    row("get-settings p99", reads[0].p99(), plugin_pg ? reads[1].p99() : 0, fmt_us);
    row("saves per second, 8 threads in 2 processes", sqlite_saves, postgres_saves,
        [](double v) { return fmt_count(v) + "/s"; });
    if (plugin_pg != nullptr)
        findings.get_settings_postgres_p50 = reads[1].p50();
}

void targets_section(Report &report, const Findings &findings) {
    const auto how = [](const Spread &s) {
        return "median of " + std::to_string(s.rounds) + " rounds, " + fmt_spread_x(s);
    };
    report.target("plugin CPU per warm click / libcurl's", findings.cpu_vs_curl.median, 0.85, true,
                  "x", how(findings.cpu_vs_curl));
    report.target("plugin CPU per warm click / raw OpenSSL's", findings.cpu_vs_raw.median, 1.6,
                  true, "x", how(findings.cpu_vs_raw));
    if (findings.instructions) {
        const PerKind &i = *findings.instructions;
        report.target("plugin instructions per warm click / libcurl's", i[kPlugin] / i[kCurl], 0.85,
                      true, "x", "callgrind");
        report.target("plugin instructions per warm click / raw OpenSSL's", i[kPlugin] / i[kRaw],
                      1.6, true, "x", "callgrind");
    }
    if (findings.get_settings_postgres_p50 >= 0) {
        report.target("warm click with PostgreSQL / with SQLite (CPU per click)",
                      findings.postgres_vs_sqlite.median, 1.10, true, "x",
                      how(findings.postgres_vs_sqlite));
        report.target("get-settings p50 on loopback PostgreSQL", findings.get_settings_postgres_p50,
                      150, true, " us", "p50 of every read");
    }
    report.targets_table();
}

}  // namespace

int run_suite(const Options &options) {
    const std::string load_at_start = load_average();
    const CpuPlan cpus = plan_cpus();
    // The servers start from a thread pinned to their CPU: PostgreSQL forks
    // a backend per connection, and each keeps the CPU set its postmaster
    // inherited from here. The clients' CPU is set afterwards.
    pin_calling_thread(cpus.servers);
    std::unique_ptr<test::PostgresServer> postgres;
    if (options.postgres)
        postgres = std::make_unique<test::PostgresServer>();
    Fixture fixture(cpus.servers);
    pin_calling_thread(cpus.clients);
    init_curl();

    const Target &target = fixture.target();
    const std::string sqlite_config = plugin_config(target, {fixture.file("bench.db"), ""});
    const std::string postgres_config =
        postgres ? plugin_config(target, {"", postgres->create_database()}) : "";
    PluginClient plugin(sqlite_config, target.payer_email);
    plugin.enable_tenant("acme", target.api_key);
    std::unique_ptr<PluginClient> plugin_pg;
    if (postgres) {
        plugin_pg = std::make_unique<PluginClient>(postgres_config, target.payer_email);
        plugin_pg->enable_tenant("acme", target.api_key);
    }
    std::unique_ptr<Client> curl = make_curl_client(target);
    std::unique_ptr<Client> raw = make_raw_client(target);

    Report report;
    report.paragraph("Machine: " + machine_description() + ". Date: " + today_utc() +
                     ". Load average at start: " + load_at_start + ". " + describe(cpus) +
                     ". Run: " + options.profile + ". " + curl_description() +
                     "; the plugin and the raw client use " + openssl_description() + ".");

    const CallgrindFigures callgrind = count_with_callgrind(options);
    Findings findings;
    std::vector<Contender> contenders = {
        {"plugin", &plugin}, {"libcurl", curl.get()}, {"raw OpenSSL", raw.get()}};
    if (plugin_pg)
        contenders.push_back({"plugin (PostgreSQL)", plugin_pg.get()});
    warm_section(report, options, contenders, callgrind, findings);
    tls_section(report, fixture.server());
    thread_section(report, options, fixture, plugin);
    cold_section(report, options, fixture, sqlite_config, {&plugin, curl.get(), raw.get()});
    settings_section(report, options, plugin, plugin_pg.get(), sqlite_config, postgres_config,
                     findings);
    targets_section(report, findings);
    report.paragraph("Load average at the end: " + load_average() + ".");

    if (!options.markdown.empty() && !report.write(options.markdown)) {
        std::fprintf(stderr, "bench: cannot write %s\n", options.markdown.c_str());
        return 1;
    }
    return 0;
}

}  // namespace wisepay::bench
