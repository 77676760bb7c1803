// Times the cold paths (cold_rows.h): each sample on its own, wall time and
// the clicking thread's CPU time, the clients in an order shuffled per
// sample from a fixed seed.
#include "bench/cold_rows.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

#include "bench/cpu_meter.h"

namespace wisepay::bench {
namespace {

using Clock = std::chrono::steady_clock;

double us_since(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

std::vector<std::size_t> indices(std::size_t n) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    return order;
}

}  // namespace

std::vector<ColdFigures> run_cold_starts(const std::vector<ColdStart> &starts, int samples,
                                         unsigned seed) {
    std::vector<ColdFigures> figures(starts.size());
    std::vector<std::size_t> order = indices(starts.size());
    std::mt19937 rng(seed);
    for (int sample = 0; sample < samples; ++sample) {
        std::shuffle(order.begin(), order.end(), rng);
        for (const std::size_t index : order) {
            const double cpu_start = thread_cpu_us();
            const auto start = Clock::now();
            std::unique_ptr<Client> client = starts[index]();
            const auto click_start = Clock::now();
            client->click();
            figures[index].first_click_us.add(us_since(click_start));
            figures[index].wall_us.add(us_since(start));
            figures[index].cpu_us.add(thread_cpu_us() - cpu_start);
        }
    }
    return figures;
}

std::vector<ColdFigures> run_reconnects(const std::vector<Client *> &clients, int samples,
                                        ServerProcess &server, unsigned seed) {
    std::vector<ColdFigures> figures(clients.size());
    std::vector<std::size_t> order = indices(clients.size());
    std::mt19937 rng(seed);
    for (int sample = 0; sample < samples; ++sample) {
        std::shuffle(order.begin(), order.end(), rng);
        for (const std::size_t index : order) {
            server.close_idle();
            const double cpu_start = thread_cpu_us();
            const auto start = Clock::now();
            clients[index]->click();
            figures[index].wall_us.add(us_since(start));
            figures[index].cpu_us.add(thread_cpu_us() - cpu_start);
        }
    }
    return figures;
}

}  // namespace wisepay::bench
