// Starts the benchmark server (server_process.h) over two pipes, reads
// "ready <port>", then sends it one-line commands and reads its answers. An
// answer it does not expect ends the benchmark.
#include "bench/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace wisepay::bench {
namespace {

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "bench: benchmark server: %s\n", what.c_str());
    std::exit(1);
}

std::uint64_t number_after(const std::string &line, const std::string &word) {
    const std::size_t at = line.find(" " + word + " ");
    if (at == std::string::npos)
        die("unexpected answer: " + line);
    return std::strtoull(line.c_str() + at + word.size() + 2, nullptr, 10);
}

}  // namespace

ServerProcess::ServerProcess(const ServerOptions &options) {
    std::vector<std::string> args = {
        WISEPAY_BENCH_SERVER_PATH, "--cert",    options.cert_file, "--key",
        options.key_file,          "--api-key", options.api_key};
    for (const std::string &payer : options.payers) {
        args.push_back("--payer");
        args.push_back(payer);
    }
    if (options.cpu >= 0) {
        args.push_back("--cpu");
        args.push_back(std::to_string(options.cpu));
    }
    std::vector<char *> argv;
    for (std::string &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    int to_child[2], from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0)
        die("pipe failed");
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0)
        die("fork failed");
    if (pid_ == 0) {
        // Only async-signal-safe calls between fork and exec.
        ::dup2(to_child[0], STDIN_FILENO);
        ::dup2(from_child[1], STDOUT_FILENO);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(126);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_ = ::fdopen(to_child[1], "w");
    from_ = ::fdopen(from_child[0], "r");
    const std::string ready = read_line();
    if (ready.rfind("ready ", 0) != 0)
        die("did not start (" + ready + ")");
    port_ = static_cast<std::uint16_t>(std::atoi(ready.c_str() + 6));
}

ServerProcess::~ServerProcess() {
    if (to_ != nullptr)
        std::fclose(to_);  // end of its input: it stops
    if (from_ != nullptr)
        std::fclose(from_);
    int status = 0;
    while (pid_ > 0 && ::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
}

std::string ServerProcess::read_line() {
    char *line = nullptr;
    std::size_t capacity = 0;
    const ssize_t got = ::getline(&line, &capacity, from_);
    std::string text = got > 0 ? std::string(line, static_cast<std::size_t>(got)) : "";
    std::free(line);
    if (got <= 0)
        die("it stopped");
    if (!text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

std::string ServerProcess::ask(const std::string &command) {
    std::fputs((command + "\n").c_str(), to_);
    std::fflush(to_);
    return read_line();
}

ServerProcess::Usage ServerProcess::usage() {
    const std::string line = ask("stats");
    Usage usage;
    usage.cpu_us = static_cast<double>(number_after(line, "cpu_us"));
    usage.requests = number_after(line, "requests");
    return usage;
}

std::vector<ServerProcess::ClientTls> ServerProcess::clients() {
    std::vector<ClientTls> out;
    for (std::string line = ask("clients"); line != "end"; line = read_line()) {
        std::vector<std::string> fields;
        std::istringstream in(line);
        for (std::string field; std::getline(in, field, '\t');)
            fields.push_back(field);
        if (fields.size() != 7 || fields[0] != "client")
            die("unexpected answer: " + line);
        out.push_back({fields[1], fields[2], fields[3], std::stoull(fields[4]),
                       std::stoull(fields[5]), std::stoull(fields[6])});
    }
    return out;
}

ServerProcess::ClientTls ServerProcess::client(const std::string &prefix) {
    for (ClientTls &entry : clients()) {
        if (entry.user_agent.rfind(prefix, 0) == 0)
            return entry;
    }
    return {};
}

int ServerProcess::close_idle() {
    const std::string line = ask("close-idle");
    if (line.rfind("closed ", 0) != 0)
        die("unexpected answer: " + line);
    return std::atoi(line.c_str() + 7);
}

}  // namespace wisepay::bench
