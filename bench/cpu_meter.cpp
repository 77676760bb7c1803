// CPU time from getrusage and retired instructions from perf_event_open
// (cpu_meter.h). When the kernel will not count its own instructions for
// this process (EACCES or EPERM), the counter counts user space only.
#include "bench/cpu_meter.h"

#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wisepay::bench {
namespace {

double to_us(const rusage &usage) {
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

int open_counter(bool exclude_kernel) {
    perf_event_attr attr{};
    attr.type = PERF_TYPE_HARDWARE;
    attr.size = sizeof attr;
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.exclude_kernel = exclude_kernel ? 1 : 0;
    attr.exclude_hv = 1;
    return static_cast<int>(::syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
}

}  // namespace

double thread_cpu_us() {
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    return to_us(usage);
}

CpuSplit thread_cpu_split() {
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    return {static_cast<double>(usage.ru_utime.tv_sec) * 1e6 +
                static_cast<double>(usage.ru_utime.tv_usec),
            static_cast<double>(usage.ru_stime.tv_sec) * 1e6 +
                static_cast<double>(usage.ru_stime.tv_usec)};
}

double process_cpu_us() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return to_us(usage);
}

InstructionCounter::InstructionCounter() {
    fd_ = open_counter(false);
    if (fd_ < 0 && (errno == EACCES || errno == EPERM))
        fd_ = open_counter(true);
    if (fd_ < 0)
        why_not_ = std::string("not supported (perf_event_open: ") + std::strerror(errno) + ")";
}

InstructionCounter::~InstructionCounter() {
    if (fd_ >= 0)
        ::close(fd_);
}

std::uint64_t InstructionCounter::read() const {
    std::uint64_t value = 0;
    if (fd_ < 0 || ::read(fd_, &value, sizeof value) != static_cast<ssize_t>(sizeof value))
        return 0;
    return value;
}

}  // namespace wisepay::bench
