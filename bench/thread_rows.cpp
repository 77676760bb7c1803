// One concurrency run (thread_rows.h): each thread makes and warms up its
// client, then all wait on a latch and are released together; the server's
// CPU time is read just before and just after.
#include "bench/thread_rows.h"

#include <chrono>
#include <latch>
#include <thread>
#include <vector>

#include "bench/cpu_meter.h"

namespace wisepay::bench {

using Clock = std::chrono::steady_clock;

ThreadRun run_threads(int threads, int warmup, int clicks_per_thread, const ClientMaker &make,
                      ServerProcess &server) {
    struct PerThread {
        double cpu_us = 0;
        std::uint64_t instructions = 0;
        bool counted = false;
        Samples latency_us;
    };
    std::vector<PerThread> results(static_cast<std::size_t>(threads));
    std::latch ready(threads);
    std::latch go(1);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            PerThread &mine = results[static_cast<std::size_t>(t)];
            std::unique_ptr<Client> client = make();
            for (int i = 0; i < warmup; ++i)
                client->click();
            InstructionCounter counter;
            ready.count_down();
            go.wait();
            const double cpu_start = thread_cpu_us();
            const std::uint64_t instructions_start = counter.read();
            for (int i = 0; i < clicks_per_thread; ++i) {
                const auto start = Clock::now();
                client->click();
                mine.latency_us.add(
                    std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            }
            mine.cpu_us = thread_cpu_us() - cpu_start;
            mine.instructions = counter.read() - instructions_start;
            mine.counted = counter.supported();
        });
    }
    ready.wait();
    const ServerProcess::Usage server_start = server.usage();
    const auto start = Clock::now();
    go.count_down();
    for (std::thread &thread : pool)
        thread.join();
    const double wall_us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    const ServerProcess::Usage server_end = server.usage();

    ThreadRun run;
    double cpu_us = 0, instructions = 0;
    bool counted = true;
    for (const PerThread &mine : results) {
        cpu_us += mine.cpu_us;
        instructions += static_cast<double>(mine.instructions);
        counted = counted && mine.counted;
        run.latency_us.add_all(mine.latency_us);
    }
    const double clicks = static_cast<double>(threads) * clicks_per_thread;
    run.cpu_us_per_click = cpu_us / clicks;
    run.instructions_per_click = counted ? instructions / clicks : 0;
    run.clicks_per_second = clicks / (wall_us / 1e6);
    run.server_busy = (server_end.cpu_us - server_start.cpu_us) / wall_us;
    return run;
}

}  // namespace wisepay::bench
