// One run of a concurrency row: N threads, each with its own client (for
// the plugin, one instance shared by all threads, as a host shares it),
// each warmed up, then released together to click a fixed number of times.
// The figures: CPU time per click summed over the clicking threads,
// instructions per click where counters exist, clicks per second of wall
// time, every click's latency, and how busy the server was meanwhile, which
// shows whether the server, not the client, set the pace.
#pragma once

#include <functional>
#include <memory>

#include "bench/clients.h"
#include "bench/samples.h"
#include "bench/server_process.h"

namespace wisepay::bench {

struct ThreadRun {
    double cpu_us_per_click = 0;
    double instructions_per_click = 0;  // 0 without hardware counters
    double clicks_per_second = 0;
    double server_busy = 0;  // the server's CPU time over the wall time
    Samples latency_us;
};

// Makes the client for one thread; called on that thread.
using ClientMaker = std::function<std::unique_ptr<Client>()>;

ThreadRun run_threads(int threads, int warmup, int clicks_per_thread, const ClientMaker &make,
                      ServerProcess &server);

}  // namespace wisepay::bench
