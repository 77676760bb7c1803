// The command line of wisepay_bench and how many samples each part takes in
// a full run, a --quick run and a --smoke run (every part once, with counts
// so small that the numbers mean nothing; the test suite runs it).
#pragma once

#include <string>

#include "bench/clients.h"

namespace wisepay::bench {

struct Counts {
    int warmup;             // warm clicks per client before the first round
    int rounds;             // warm rounds, order shuffled per round
    int clicks;             // per client per round
    int thread_rounds;      // runs of each concurrency row per client
    int thread_clicks;      // per run, split over its threads
    int thread_warmup;      // per thread
    int cold_samples;       // per client: create + first click
    int reconnect_samples;  // per client: reconnect with resumption
    int settings_rounds;
    int settings_reads;  // per backend per round
    int save_ms;         // how long the savers save
    int callgrind_warmup;
    int callgrind_clicks;
    int callgrind_repeats;  // runs per client (2: shows that the count repeats)
};

enum class Mode { kSuite, kCount, kSaveWorker };

struct Options {
    Mode mode = Mode::kSuite;
    std::string profile = "full";  // "full", "quick" or "smoke"
    Counts counts{};
    std::string markdown;  // where to write the report, "" for nowhere
    // Run callgrind (off in --smoke unless --callgrind: valgrind takes
    // seconds per client; the counting mode then runs natively instead).
    bool callgrind = true;
    std::string callgrind_dir;  // keep callgrind's output here ("" for a temp dir)
    bool postgres = true;       // --no-postgres leaves the PostgreSQL rows out

    // --count <client> --warmup <n> --clicks <n>
    ClientKind count_client = ClientKind::kPlugin;
    int count_warmup = 0, count_clicks = 0;

    // --save-worker --config <json> --threads <n> --tenants <prefix> --ms <n>
    std::string worker_config, worker_tenants;
    int worker_threads = 0, worker_ms = 0;
};

// Exits with a usage message on anything it does not understand.
Options parse_options(int argc, char **argv);

}  // namespace wisepay::bench
