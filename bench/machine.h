// What the report says about where it ran: CPU model and count, kernel,
// OpenSSL, the date, and the load average (the benchmark's figures are only
// comparable within one run, and a loaded machine shows in the latencies
// first).
#pragma once

#include <string>

namespace wisepay::bench {

std::string machine_description();  // "AMD EPYC ..., 2 CPUs, Linux 6.1.0"
std::string openssl_description();  // "OpenSSL 3.0.19 27 Jan 2026"
std::string load_average();         // "1.82 1.95 2.29" (1, 5, 15 minutes)
std::string today_utc();            // "2026-11-29"

}  // namespace wisepay::bench
