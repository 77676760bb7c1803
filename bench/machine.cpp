// Where the benchmark ran (machine.h), from /proc/cpuinfo, uname(),
// OpenSSL_version(), /proc/loadavg and the clock.
#include "bench/machine.h"

#include <openssl/crypto.h>
#include <sys/utsname.h>

#include <ctime>
#include <fstream>
#include <thread>

namespace wisepay::bench {

std::string machine_description() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line, model = "unknown CPU";
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    }
    utsname uts{};
    ::uname(&uts);
    return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " CPUs, Linux " +
           uts.release;
}

std::string openssl_description() {
    return OpenSSL_version(OPENSSL_VERSION);
}

std::string load_average() {
    std::ifstream loadavg("/proc/loadavg");
    std::string one, five, fifteen;
    loadavg >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

std::string today_utc() {
    char date[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
    return date;
}

}  // namespace wisepay::bench
