// Times get_settings (settings_rows.h): unmeasured reads on each instance
// first, then rounds in an order shuffled per round, each read timed on its
// own.
#include "bench/settings_rows.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

namespace wisepay::bench {

using Clock = std::chrono::steady_clock;

std::vector<Samples> time_get_settings(const std::vector<PluginClient *> &instances, int rounds,
                                       int reads, unsigned seed) {
    std::vector<Samples> samples(instances.size());
    for (PluginClient *instance : instances) {
        for (int i = 0; i < reads; ++i)
            instance->read_settings();
    }
    std::vector<std::size_t> order(instances.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(seed);
    for (int round = 0; round < rounds; ++round) {
        std::shuffle(order.begin(), order.end(), rng);
        for (const std::size_t index : order) {
            for (int i = 0; i < reads; ++i) {
                const auto start = Clock::now();
                instances[index]->read_settings();
                samples[index].add(
                    std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            }
        }
    }
    return samples;
}

}  // namespace wisepay::bench
