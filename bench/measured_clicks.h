// The one function inside which callgrind counts (--toggle-collect names
// it): the measured clicks of the counting mode. It lives in a translation
// unit of its own and is never inlined, so its symbol exists and holds
// exactly the clicks.
#pragma once

#include "bench/clients.h"

inline constexpr const char *kMeasuredClicksSymbol = "wisepay_bench_measured_clicks";

extern "C" void wisepay_bench_measured_clicks(wisepay::bench::Client *client, int clicks);
