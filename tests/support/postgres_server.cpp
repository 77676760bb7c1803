// Runs initdb and postgres directly (no pg_ctl), through fork and exec as the
// cluster's owner, and waits for PQping to answer. kill() stops the
// postmaster first, so that no new backend starts while its backends are
// found in /proc and killed.
#include "tests/support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace wisepay::test {
namespace {

using Clock = std::chrono::steady_clock;

// Who owns the cluster: the "postgres" user when this runs as root (the
// server refuses root), else whoever runs the tests.
struct Owner {
    bool switch_user = false;
    uid_t uid = 0;
    gid_t gid = 0;
};

Owner cluster_owner() {
    Owner owner;
    if (::geteuid() != 0)
        return owner;
    const passwd *user = ::getpwnam("postgres");
    if (user == nullptr)
        throw std::runtime_error(
            "running as root, but there is no \"postgres\" user to run "
            "PostgreSQL as (install the postgresql package)");
    owner.switch_user = true;
    owner.uid = user->pw_uid;
    owner.gid = user->pw_gid;
    return owner;
}

std::uint16_t free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        if (fd >= 0)
            ::close(fd);
        throw std::runtime_error("cannot find a free loopback port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// Starts `args` as the cluster's owner, in a process group of its own, with
// stdout and stderr appended to `log_file`, dying with this process. Only
// async-signal-safe calls run between fork and exec.
pid_t spawn_as_owner(const Owner &owner, std::vector<std::string> args,
                     const std::string &log_file) {
    std::vector<char *> argv;
    for (std::string &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error("fork failed");
    if (child == 0) {
        const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (log < 0 || ::dup2(log, 1) < 0 || ::dup2(log, 2) < 0)
            ::_exit(126);
        ::setpgid(0, 0);
        if (owner.switch_user &&
            (::setgroups(0, nullptr) != 0 || ::setgid(owner.gid) != 0 || ::setuid(owner.uid) != 0))
            ::_exit(126);
        // Set after the user switch, which would clear it.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(126);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return child;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

// Runs `args` (as this user) and returns what it wrote to stdout; throws
// with its stderr when it fails.
std::string run_capture(std::vector<std::string> args) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    std::vector<char *> argv;
    for (std::string &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    const pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error("fork failed");
    if (child == 0) {
        ::dup2(out[1], 1);
        ::dup2(out[1], 2);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t got; (got = ::read(out[0], buffer, sizeof buffer)) != 0;) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        text.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(out[0]);
    const int status = wait_for(child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(args[0] + " failed: " + text);
    return text;
}

std::string bin(const char *program) {
    return std::string(WISEPAY_PG_BINDIR) + "/" + program;
}

}  // namespace

PostgresServer::PostgresServer()
    : data_(dir_.file("data")), log_file_(dir_.file("server.log")), port_(free_loopback_port()) {
    const Owner owner = cluster_owner();
    if (owner.switch_user && ::chown(dir_.path().c_str(), owner.uid, owner.gid) != 0)
        throw std::runtime_error("cannot hand the cluster's folder to the postgres user");
    // --no-sync: a test cluster need not survive a power cut before it is
    // first used; the server itself runs with fsync on.
    const int status = wait_for(spawn_as_owner(owner,
                                               {bin("initdb"), "-D", data_, "-U", "postgres", "-A",
                                                "trust", "-E", "UTF8", "--no-locale", "--no-sync"},
                                               log_file_));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("initdb failed: " + log());
    start();
}

PostgresServer::~PostgresServer() {
    if (postmaster_ > 0) {
        try {
            stop();
        } catch (...) {
            kill();
        }
    }
}

std::string PostgresServer::url(const std::string &database) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void PostgresServer::start() {
    if (postmaster_ > 0)
        return;
    postmaster_ = spawn_as_owner(
        cluster_owner(),
        {bin("postgres"), "-D", data_, "-p", std::to_string(port_), "-c",
         "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir_.path().string(),
         "-c", "max_connections=60", "-c", "shared_buffers=16MB", "-c", "fsync=on"},
        log_file_);
    const std::string conninfo = url() + "?connect_timeout=2";
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (PQping(conninfo.c_str()) != PQPING_OK) {
        int status = 0;
        if (::waitpid(postmaster_, &status, WNOHANG) == postmaster_) {
            postmaster_ = -1;
            throw std::runtime_error("PostgreSQL stopped while starting: " + log());
        }
        if (Clock::now() > deadline) {
            kill();
            throw std::runtime_error("PostgreSQL did not start within 60 s: " + log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void PostgresServer::stop() {
    if (postmaster_ <= 0)
        return;
    ::kill(postmaster_, SIGINT);  // "fast" shutdown
    wait_for(postmaster_);
    postmaster_ = -1;
}

namespace {

// State letter and parent of a process, from /proc; state 0 when it is gone.
std::pair<char, int> state_of(const std::string &pid) {
    const std::string stat = read_file("/proc/" + pid + "/stat");
    // pid (comm) state ppid ...: comm may hold spaces, so read after ')'.
    const std::size_t close = stat.rfind(')');
    char state = 0;
    int ppid = 0;
    if (close == std::string::npos ||
        std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2)
        return {0, 0};
    return {state, ppid};
}

// The server's processes: the postmaster's children each lead a session of
// their own, so they are found by parent, not by process group.
std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> children;
    for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        if (state_of(name).second == parent)
            children.push_back(static_cast<pid_t>(std::stoi(name)));
    }
    return children;
}

}  // namespace

void PostgresServer::kill() {
    if (postmaster_ <= 0)
        return;
    // Stopped first, so no new backend starts while the others are found.
    ::kill(postmaster_, SIGSTOP);
    const std::vector<pid_t> backends = children_of(postmaster_);
    for (const pid_t backend : backends)
        ::kill(backend, SIGKILL);
    ::kill(postmaster_, SIGKILL);
    wait_for(postmaster_);
    postmaster_ = -1;
    // The backends are not our children: wait until they are gone, so the
    // next start finds no process of the old server holding its memory.
    // A killed backend that nobody reaps stays a zombie ('Z'): gone enough.
    for (const pid_t backend : backends) {
        for (char state; (state = state_of(std::to_string(backend)).first) != 0 && state != 'Z';)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

std::string PostgresServer::create_database() {
    // (Appended, not "t" + to_string(): GCC 12 warns falsely about the latter.)
    std::string name("t");
    name += std::to_string(++databases_);
    psql(url(), "CREATE DATABASE " + name);
    return url(name);
}

std::string PostgresServer::psql(const std::string &database_url, const std::string &sql) const {
    return run_capture(
        {"psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database_url, "-c", sql});
}

std::string PostgresServer::log() const {
    return read_file(log_file_);
}

}  // namespace wisepay::test
