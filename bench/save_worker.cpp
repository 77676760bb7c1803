// Both sides of the save workers (save_worker.h): the parent starts each
// worker (this program, over two pipes) and releases them together; in a
// worker, each thread flips Enabled on its own tenant until the time is up.
#include "bench/save_worker.h"

#include "bench/fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

#include "bench/plugin_client.h"

namespace wisepay::bench {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "bench: save workers: %s\n", what.c_str());
    std::exit(1);
}

struct Worker {
    pid_t pid = -1;
    std::FILE *to = nullptr;
    std::FILE *from = nullptr;
};

std::string read_line(std::FILE *from) {
    char line[256];
    if (std::fgets(line, sizeof line, from) == nullptr)
        die("a worker stopped");
    std::string text(line);
    if (!text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

Worker start_worker(const std::string &config_json, int threads, const std::string &tenants,
                    int duration_ms) {
    std::vector<std::string> args = {"/proc/self/exe", "--save-worker",
                                     "--config",       config_json,
                                     "--threads",      std::to_string(threads),
                                     "--tenants",      tenants,
                                     "--ms",           std::to_string(duration_ms)};
    std::vector<char *> argv;
    for (std::string &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    int to_child[2], from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0)
        die("pipe failed");
    Worker worker;
    worker.pid = ::fork();
    if (worker.pid < 0)
        die("fork failed");
    if (worker.pid == 0) {
        // Only async-signal-safe calls between fork and exec.
        ::dup2(to_child[0], STDIN_FILENO);
        ::dup2(from_child[1], STDOUT_FILENO);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    worker.to = ::fdopen(to_child[1], "w");
    worker.from = ::fdopen(from_child[0], "r");
    return worker;
}

}  // namespace

double saves_per_second(const std::string &config_json, int processes, int threads, int duration_ms,
                        const std::string &tenant_prefix) {
    std::vector<Worker> workers;
    for (int p = 0; p < processes; ++p) {
        workers.push_back(start_worker(config_json, threads,
                                       tenant_prefix + "p" + std::to_string(p), duration_ms));
    }
    for (Worker &worker : workers) {
        if (read_line(worker.from) != "ready")
            die("a worker did not get ready");
    }
    for (Worker &worker : workers) {
        std::fputs("go\n", worker.to);
        std::fflush(worker.to);
    }
    double saves = 0, longest_us = 0;
    for (Worker &worker : workers) {
        const std::string line = read_line(worker.from);
        unsigned long long count = 0;
        double elapsed_us = 0;
        if (std::sscanf(line.c_str(), "saves %llu %lf", &count, &elapsed_us) != 2)
            die("unexpected answer: " + line);
        saves += static_cast<double>(count);
        longest_us = std::max(longest_us, elapsed_us);
        std::fclose(worker.to);
        std::fclose(worker.from);
        int status = 0;
        while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            die("a worker failed");
    }
    return longest_us > 0 ? saves / (longest_us / 1e6) : 0;
}

int run_save_worker(const std::string &config_json, int threads, const std::string &tenant_prefix,
                    int duration_ms) {
    PluginClient plugin(config_json, "nobody@example.invalid");
    std::vector<std::string> tenants;
    std::vector<std::int64_t> versions;
    for (int t = 0; t < threads; ++t) {
        tenants.push_back(tenant_prefix + "t" + std::to_string(t));
        versions.push_back(plugin.enable_tenant(tenants.back(), kBenchApiKey));
    }
    std::cout << "ready" << std::endl;
    std::string go;
    if (!std::getline(std::cin, go) || go != "go")
        return 1;

    std::atomic<unsigned long long> saves{0};
    const auto start = Clock::now();
    const auto end = start + std::chrono::milliseconds(duration_ms);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::int64_t version = versions[static_cast<std::size_t>(t)];
            bool enabled = true;
            while (Clock::now() < end) {
                enabled = !enabled;
                version =
                    plugin.save(tenants[static_cast<std::size_t>(t)],
                                enabled ? "{\"enabled\":true}" : "{\"enabled\":false}", version);
                ++saves;
            }
        });
    }
    for (std::thread &thread : pool)
        thread.join();
    const double elapsed_us =
        std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    std::cout << "saves " << saves.load() << " " << elapsed_us << std::endl;
    return 0;
}

}  // namespace wisepay::bench
