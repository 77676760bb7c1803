// wisepay_bench: the plugin's invoice click against libcurl and against a
// raw OpenSSL client (the limit), with the benchmark server
// (wisepay_bench_server) in a process of its own. The figures are client CPU
// time per click (and instructions per click under callgrind), with
// latencies beside them; bench/run.sh runs it and can write
// docs/benchmarks.md. Timings are printed, never asserted.
//
//   wisepay_bench [--quick | --smoke] [--markdown <file>] [--callgrind | --no-callgrind]
//                 [--callgrind-dir <dir>] [--no-postgres]
//
// Two more modes serve the run itself: --count (one client's clicks, to run
// under callgrind) and --save-worker (one of the processes that save
// settings at once).
#include <signal.h>

#include "bench/count_mode.h"
#include "bench/options.h"
#include "bench/save_worker.h"
#include "bench/suite.h"

int main(int argc, char **argv) {
    using namespace wisepay::bench;
    const Options options = parse_options(argc, argv);
    // The raw client writes to sockets with plain write(): a server that
    // closed a connection must show as an error, not kill the benchmark.
    ::signal(SIGPIPE, SIG_IGN);
    switch (options.mode) {
        case Mode::kCount:
            return run_count_mode(options.count_client, options.count_warmup, options.count_clicks);
        case Mode::kSaveWorker:
            return run_save_worker(options.worker_config, options.worker_threads,
                                   options.worker_tenants, options.worker_ms);
        case Mode::kSuite:
            break;
    }
    return run_suite(options);
}
