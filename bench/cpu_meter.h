// The benchmark's primary figure, CPU time, read for the calling thread
// (getrusage RUSAGE_THREAD, user + system, so the kernel's work for a click's
// system calls counts too), and, where the kernel exposes hardware counters,
// the instructions the thread retired (perf_event_open, the counter behind
// `perf stat -e instructions`). Many machines, virtual ones above all, have
// no such counter: then InstructionCounter says why and reads nothing.
#pragma once

#include <cstdint>
#include <string>

namespace wisepay::bench {

// CPU time the calling thread has used so far, in microseconds.
double thread_cpu_us();

// The same, split into user and system (kernel) time. The total is exact;
// the kernel splits it by sampling at each tick, so the split is only
// meaningful over many milliseconds.
struct CpuSplit {
    double user_us = 0;
    double system_us = 0;
};
CpuSplit thread_cpu_split();
// CPU time the whole process has used so far, in microseconds.
double process_cpu_us();

class InstructionCounter {
  public:
    // Counts instructions of the calling thread from now on (user and
    // kernel, or user only where the kernel allows no more).
    InstructionCounter();
    ~InstructionCounter();
    InstructionCounter(const InstructionCounter &) = delete;
    InstructionCounter &operator=(const InstructionCounter &) = delete;

    bool supported() const { return fd_ >= 0; }
    // "" when supported, else the reason, e.g. "not supported (perf_event_open: ...)".
    const std::string &why_not() const { return why_not_; }
    // Instructions so far; 0 when not supported.
    std::uint64_t read() const;

  private:
    int fd_ = -1;
    std::string why_not_;
};

}  // namespace wisepay::bench
