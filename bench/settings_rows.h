// The settings calls on both storage backends: get-settings latency (one
// instance per backend, reads in rounds whose order is shuffled per round),
// and saves per second from several threads in several processes sharing
// one database (bench/save_worker.h).
#pragma once

#include <vector>

#include "bench/plugin_client.h"
#include "bench/samples.h"

namespace wisepay::bench {

// Each instance's get_settings latencies, after `reads` unmeasured reads.
std::vector<Samples> time_get_settings(const std::vector<PluginClient *> &instances, int rounds,
                                       int reads, unsigned seed);

}  // namespace wisepay::bench
