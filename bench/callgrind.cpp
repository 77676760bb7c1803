// Runs this program again in its counting mode (callgrind.h): under
// valgrind's callgrind, collecting only inside the measured clicks, or
// natively; then reads the instruction total from callgrind's output file.
#include "bench/callgrind.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "bench/measured_clicks.h"

namespace wisepay::bench {
namespace {

std::string find_on_path(const std::string &program) {
    const char *path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string candidate = dir + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return "";
}

std::string this_program() {
    char path[PATH_MAX];
    const ssize_t size = ::readlink("/proc/self/exe", path, sizeof path - 1);
    return size > 0 ? std::string(path, static_cast<std::size_t>(size)) : "";
}

// Runs `args` with stdout and stderr going to `log_file`; its exit status.
int run(std::vector<std::string> args, const std::string &log_file) {
    std::vector<char *> argv;
    for (std::string &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    const pid_t child = ::fork();
    if (child < 0)
        return -1;
    if (child == 0) {
        const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (log < 0 || ::dup2(log, STDOUT_FILENO) < 0 || ::dup2(log, STDERR_FILENO) < 0)
            ::_exit(126);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// The "totals:" line of a callgrind output file (its only event is Ir).
bool read_totals(const std::string &out_file, std::uint64_t &total) {
    std::ifstream in(out_file);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("totals: ", 0) == 0 || line.rfind("summary: ", 0) == 0) {
            total = std::strtoull(line.c_str() + line.find(' ') + 1, nullptr, 10);
            return true;
        }
    }
    return false;
}

}  // namespace

std::string valgrind_missing() {
    return find_on_path("valgrind").empty() ? "valgrind is not installed" : "";
}

CallgrindCount count_instructions(ClientKind kind, int warmup, int clicks,
                                  const std::string &out_file, bool under_valgrind) {
    CallgrindCount count;
    std::vector<std::string> args;
    if (under_valgrind) {
        args = {find_on_path("valgrind"), "--tool=callgrind",
                "--collect-atstart=no",   std::string("--toggle-collect=") + kMeasuredClicksSymbol,
                "--dump-instr=no",        "--callgrind-out-file=" + out_file};
    }
    args.insert(args.end(), {this_program(), "--count", cli_name_of(kind), "--warmup",
                             std::to_string(warmup), "--clicks", std::to_string(clicks)});
    const std::string log = out_file + ".log";
    if (run(args, log) != 0) {
        count.error = "the counting run failed; see " + log;
        return count;
    }
    if (under_valgrind && !read_totals(out_file, count.instructions)) {
        count.error = "no totals in " + out_file;
        return count;
    }
    count.ok = true;
    count.per_click = clicks > 0 ? static_cast<double>(count.instructions) / clicks : 0;
    return count;
}

}  // namespace wisepay::bench
