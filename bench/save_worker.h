// Saves per second from several processes at once, each with one plugin
// instance shared by several threads, all on one settings database: what a
// fleet of host nodes (or the worker processes of one host) does when
// admins save. Each thread saves a tenant of its own, so every save
// commits (no conflicts), and the figure is the database's commit rate
// through the plugin.
//
// The parent starts this program again in its save-worker mode once per
// process; the workers set their tenants up, say "ready", wait for "go" on
// stdin, save for the given time and print "saves <count> <elapsed us>".
#pragma once

#include <string>

namespace wisepay::bench {

// Parent side: total saves per second of `processes` x `threads` savers.
double saves_per_second(const std::string &config_json, int processes, int threads, int duration_ms,
                        const std::string &tenant_prefix);

// Worker side: the body of `wisepay_bench --save-worker`.
int run_save_worker(const std::string &config_json, int threads, const std::string &tenant_prefix,
                    int duration_ms);

}  // namespace wisepay::bench
