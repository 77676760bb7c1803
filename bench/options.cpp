// The command line of wisepay_bench (options.h) and the sample counts of a
// full, a --quick and a --smoke run. Anything not understood exits with the
// usage text.
#include "bench/options.h"

#include <cstdio>
#include <cstdlib>

namespace wisepay::bench {
namespace {

constexpr Counts kFull{2000, 30, 2000, 5, 4000, 100, 200, 200, 20, 200, 2000, 2000, 2000, 2};
constexpr Counts kQuick{500, 20, 100, 3, 1200, 50, 200, 200, 20, 50, 500, 500, 500, 1};
constexpr Counts kSmoke{3, 2, 3, 1, 16, 1, 2, 2, 2, 3, 100, 2, 2, 1};

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: wisepay_bench [--quick | --smoke] [--markdown <file>]\n"
                 "                     [--callgrind | --no-callgrind] [--callgrind-dir <dir>]\n"
                 "                     [--no-postgres]\n"
                 "       wisepay_bench --count plugin|libcurl|raw --warmup <n> --clicks <n>\n"
                 "       wisepay_bench --save-worker --config <json> --threads <n>\n"
                 "                     --tenants <prefix> --ms <n>\n");
    std::exit(2);
}

int number(const char *text) {
    char *end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || value < 0 || value > 100'000'000)
        usage();
    return static_cast<int>(value);
}

}  // namespace

Options parse_options(int argc, char **argv) {
    Options options;
    options.counts = kFull;
    bool callgrind_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> const char * {
            if (i + 1 >= argc)
                usage();
            return argv[++i];
        };
        if (arg == "--quick") {
            options.profile = "quick";
            options.counts = kQuick;
        } else if (arg == "--smoke") {
            options.profile = "smoke";
            options.counts = kSmoke;
        } else if (arg == "--markdown") {
            options.markdown = value();
        } else if (arg == "--callgrind") {
            options.callgrind = true;
            callgrind_given = true;
        } else if (arg == "--no-callgrind") {
            options.callgrind = false;
            callgrind_given = true;
        } else if (arg == "--callgrind-dir") {
            options.callgrind_dir = value();
        } else if (arg == "--no-postgres") {
            options.postgres = false;
        } else if (arg == "--count") {
            options.mode = Mode::kCount;
            if (!parse_client_kind(value(), options.count_client))
                usage();
        } else if (arg == "--warmup") {
            options.count_warmup = number(value());
        } else if (arg == "--clicks") {
            options.count_clicks = number(value());
        } else if (arg == "--save-worker") {
            options.mode = Mode::kSaveWorker;
        } else if (arg == "--config") {
            options.worker_config = value();
        } else if (arg == "--threads") {
            options.worker_threads = number(value());
        } else if (arg == "--tenants") {
            options.worker_tenants = value();
        } else if (arg == "--ms") {
            options.worker_ms = number(value());
        } else {
            usage();
        }
    }
    if (options.profile == "smoke" && !callgrind_given)
        options.callgrind = false;
    if (options.mode == Mode::kSaveWorker &&
        (options.worker_config.empty() || options.worker_tenants.empty() ||
         options.worker_threads == 0)) {
        usage();
    }
    return options;
}

}  // namespace wisepay::bench
