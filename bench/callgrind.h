// Instructions per warm click counted by valgrind's callgrind: a figure
// that repeats from run to run on any machine, where CPU time depends on
// the machine and its load. This program is run again in its counting mode
// (bench/count_mode.h) under callgrind with --toggle-collect on the function
// that holds the measured clicks, so set-up and warm-up are not counted, nor
// the server (another program; valgrind does not follow it).
//
// Callgrind counts user-space instructions: the kernel's work for a click's
// system calls is not in this figure (it is in the CPU time).
#pragma once

#include <cstdint>
#include <string>

#include "bench/clients.h"

namespace wisepay::bench {

struct CallgrindCount {
    bool ok = false;
    std::string error;               // what went wrong, when not ok
    std::uint64_t instructions = 0;  // inside the measured clicks (0 when run natively)
    double per_click = 0;
};

// "" when valgrind is on the PATH, else why it cannot be used.
std::string valgrind_missing();

// Runs the counting mode for `kind`: under callgrind, its output in
// `out_file` (and valgrind's messages in `out_file`.log); or, when
// `under_valgrind` is false, natively, only to check that it works.
CallgrindCount count_instructions(ClientKind kind, int warmup, int clicks,
                                  const std::string &out_file, bool under_valgrind);

}  // namespace wisepay::bench
