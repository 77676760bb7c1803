// The counting mode, `wisepay_bench --count <client>`: the set-up of a full
// run reduced to one client (certificates, the server process, the plugin's
// tenant), `warmup` clicks, then `clicks` clicks inside
// wisepay_bench_measured_clicks. Meant to run under callgrind
// (bench/callgrind.h), which then counts the measured clicks and nothing
// else; the server is another program, which valgrind does not follow.
#pragma once

#include "bench/clients.h"

namespace wisepay::bench {

int run_count_mode(ClientKind kind, int warmup, int clicks);

}  // namespace wisepay::bench
