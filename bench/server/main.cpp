// wisepay_bench_server: the Wise-Pay that the benchmark measures clients
// against, in a process of its own so that its work never lands in a
// client's CPU time. It serves the sso-sessions and merchant endpoints of
// docs/wisepay-api.md over TLS on 127.0.0.1 with keep-alive, from one
// thread pinned to a CPU of its own when asked (--cpu).
//
//   wisepay_bench_server --cert <pem> --key <pem> --api-key <key>
//                        --payer <email> [--payer <email> ...] [--cpu <n>]
//
// It prints "ready <port>" once it listens, then obeys one command per line
// on stdin, answering on stdout, until stdin closes:
//   stats       -> "stats cpu_us <n> requests <n> connections <n>"
//   clients     -> per User-Agent "client\t<ua>\t<tls version>\t<cipher>\t
//                  <full handshakes>\t<resumed handshakes>\t<requests>",
//                  then "end"
//   close-idle  -> closes every idle connection (a TCP close, no TLS
//                  close_notify), as a server dropping idle connections
//                  would: "closed <n>"
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "bench/server/answers.h"
#include "bench/server/tls_server.h"

namespace {

using wisepay::bench::server::Answers;
using wisepay::bench::server::TlsServer;

struct Options {
    std::string cert, key, api_key;
    std::vector<std::string> payers;
    int cpu = -1;
};

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: wisepay_bench_server --cert <pem> --key <pem> --api-key <key> "
                 "--payer <email> [--payer <email> ...] [--cpu <n>]\n");
    std::exit(2);
}

Options parse(int argc, char **argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc)
            usage();
        const std::string value = argv[++i];
        if (arg == "--cert") {
            options.cert = value;
        } else if (arg == "--key") {
            options.key = value;
        } else if (arg == "--api-key") {
            options.api_key = value;
        } else if (arg == "--payer") {
            options.payers.push_back(value);
        } else if (arg == "--cpu") {
            options.cpu = std::atoi(value.c_str());
        } else {
            usage();
        }
    }
    if (options.cert.empty() || options.key.empty() || options.api_key.empty())
        usage();
    return options;
}

void reply(const std::string &line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
}

long long cpu_us() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000LL + usage.ru_utime.tv_usec +
           usage.ru_stime.tv_usec;
}

void on_command(TlsServer &server, std::string_view command) {
    if (command == "stats") {
        reply("stats cpu_us " + std::to_string(cpu_us()) + " requests " +
              std::to_string(server.requests()) + " connections " +
              std::to_string(server.open_connections()));
    } else if (command == "clients") {
        for (const auto &[agent, tls] : server.clients()) {
            reply("client\t" + agent + "\t" + tls.version + "\t" + tls.cipher + "\t" +
                  std::to_string(tls.full_handshakes) + "\t" +
                  std::to_string(tls.resumed_handshakes) + "\t" + std::to_string(tls.requests));
        }
        reply("end");
    } else if (command == "close-idle") {
        reply("closed " + std::to_string(server.close_idle()));
    } else {
        reply("error unknown command");
    }
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char **argv) {
    const Options options = parse(argc, argv);
    // A client that goes away mid-answer must not kill the server.
    ::signal(SIGPIPE, SIG_IGN);
    if (options.cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(options.cpu, &set);
        if (::sched_setaffinity(0, sizeof set, &set) != 0) {
            std::perror("wisepay_bench_server: sched_setaffinity");
            return 1;
        }
    }
    try {
        TlsServer server(options.cert, options.key);
        Answers answers("https://127.0.0.1:" + std::to_string(server.port()), options.api_key,
                        options.payers);
        reply("ready " + std::to_string(server.port()));
        std::fflush(stdout);
        server.run(answers, STDIN_FILENO,
                   [&](std::string_view command) { on_command(server, command); });
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
