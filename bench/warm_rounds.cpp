// The warm rounds (warm_rounds.h): one warm-up for every client, then per
// round a block of clicks per client in a shuffled order, measured by the
// clicking thread's CPU time (user and system), instructions where counted,
// and each click's latency.
#include "bench/warm_rounds.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

#include "bench/cpu_meter.h"

namespace wisepay::bench {

using Clock = std::chrono::steady_clock;

WarmResult run_warm_rounds(const std::vector<Contender> &contenders, const WarmPlan &plan) {
    WarmResult result;
    result.per_client.resize(contenders.size());
    for (const Contender &contender : contenders) {
        for (int i = 0; i < plan.warmup; ++i)
            contender.client->click();
    }

    InstructionCounter counter;
    std::vector<std::size_t> order(contenders.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(plan.seed);
    const double process_start = process_cpu_us();
    for (int round = 0; round < plan.rounds; ++round) {
        std::shuffle(order.begin(), order.end(), rng);
        for (const std::size_t index : order) {
            Client &client = *contenders[index].client;
            WarmFigures &figures = result.per_client[index];
            // The clock reads per click cost every client the same few tens
            // of nanoseconds of CPU time.
            const CpuSplit cpu_start = thread_cpu_split();
            const std::uint64_t instructions_start = counter.read();
            for (int i = 0; i < plan.clicks; ++i) {
                const auto start = Clock::now();
                client.click();
                figures.latency_us.add(
                    std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            }
            const CpuSplit cpu_end = thread_cpu_split();
            const double system = cpu_end.system_us - cpu_start.system_us;
            const double cpu = cpu_end.user_us - cpu_start.user_us + system;
            result.thread_cpu_us += cpu;
            figures.system_us += system;
            figures.total_us += cpu;
            figures.cpu_us.push_back(cpu / plan.clicks);
            if (counter.supported()) {
                figures.instructions.push_back(
                    static_cast<double>(counter.read() - instructions_start) / plan.clicks);
            }
        }
    }
    result.process_cpu_us = process_cpu_us() - process_start;
    return result;
}

}  // namespace wisepay::bench
