// A whole benchmark run (`wisepay_bench` without a mode): starts the servers,
// runs every part in order and writes the report.
#pragma once

#include "bench/options.h"

namespace wisepay::bench {

int run_suite(const Options &options);

}  // namespace wisepay::bench
