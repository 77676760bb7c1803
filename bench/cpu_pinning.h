// Which CPU the clients run on and which the servers (the benchmark server
// and PostgreSQL) run on. With two or more CPUs, each side gets one of its
// own: a client's CPU time then never includes server work, and on two
// vCPUs every wake-up crosses CPUs in the same way for every client (left to
// the scheduler, a connection's latency had two modes, with client and
// server on one CPU or on two, and blocks measured at different times landed
// in different modes). With one CPU nothing is pinned.
#pragma once

#include <string>

namespace wisepay::bench {

struct CpuPlan {
    int clients = -1;  // -1: not pinned
    int servers = -1;
    int available = 0;  // CPUs this process may run on
};

CpuPlan plan_cpus();

// Pins the calling thread (and the threads and processes it starts later)
// to `cpu`; does nothing for -1. Exits the benchmark when the kernel refuses.
void pin_calling_thread(int cpu);

std::string describe(const CpuPlan &plan);

}  // namespace wisepay::bench
