// The CPU plan (cpu_pinning.h): of the CPUs sched_getaffinity allows, the
// first for the clients and the second for the servers; pinning is
// sched_setaffinity.
#include "bench/cpu_pinning.h"

#include <sched.h>

#include <cstdio>
#include <cstdlib>

namespace wisepay::bench {

CpuPlan plan_cpus() {
    CpuPlan plan;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) != 0)
        return plan;
    plan.available = CPU_COUNT(&set);
    if (plan.available < 2)
        return plan;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &set))
            continue;
        if (plan.clients < 0) {
            plan.clients = cpu;
        } else {
            plan.servers = cpu;
            break;
        }
    }
    return plan;
}

void pin_calling_thread(int cpu) {
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (::sched_setaffinity(0, sizeof set, &set) != 0) {
        std::perror("bench: sched_setaffinity");
        std::exit(1);
    }
}

std::string describe(const CpuPlan &plan) {
    if (plan.clients < 0)
        return "Not pinned (" + std::to_string(plan.available) + " CPU available)";
    return "Clients on CPU " + std::to_string(plan.clients) + ", servers on CPU " +
           std::to_string(plan.servers) + " (" + std::to_string(plan.available) +
           " CPUs available)";
}

}  // namespace wisepay::bench
