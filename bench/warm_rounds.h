// Warm clicks on kept-alive connections, client against client, in rounds:
// every client first gets the same warm-up, then each round runs a block of
// clicks per client in an order shuffled afresh per round, so drift on a
// shared machine falls on all clients alike and each round yields one ratio
// between any two of them. The figure per block is the clicking thread's
// CPU time per click; instructions per click where hardware counters exist;
// each click's latency is kept too.
#pragma once

#include <string>
#include <vector>

#include "bench/clients.h"
#include "bench/samples.h"

namespace wisepay::bench {

struct Contender {
    std::string name;
    Client *client = nullptr;
};

struct WarmPlan {
    int warmup = 0;  // clicks per client before the first round
    int rounds = 0;
    int clicks = 0;  // per client per round
    unsigned seed = 1;
};

struct WarmFigures {
    std::vector<double> cpu_us;        // per round: CPU time per click
    std::vector<double> instructions;  // per round: instructions per click (counters only)
    Samples latency_us;                // every measured click
    double system_us = 0;              // kernel time over all rounds (tick-sampled)
    double total_us = 0;               // CPU time over all rounds
};

struct WarmResult {
    std::vector<WarmFigures> per_client;  // in the order given
    // The whole process's CPU time over the rounds against the clicking
    // thread's: equal unless some work ran on a thread the figures miss.
    double process_cpu_us = 0;
    double thread_cpu_us = 0;
};

WarmResult run_warm_rounds(const std::vector<Contender> &contenders, const WarmPlan &plan);

}  // namespace wisepay::bench
