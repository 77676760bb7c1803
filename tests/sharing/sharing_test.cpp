// The sharing test: one settings database used by a saving host while other
// processes do what operators and other hosts do to it. Nothing of the
// plugin's is replaced: share_host loads the built plugin with dlopen, and
// the others are the sqlite3 command-line tool and more share_host processes.
//
// Each case runs for a bounded time (WISEPAY_SHARING_SECONDS, default 6 s)
// and then checks, from outside the saving host: it ended by itself without
// a signal and without a wrong answer (share_host checks that every click
// after Enabled was unticked from outside is refused at once); the database
// passes integrity_check; and every save the plugin acknowledged is on disk
// with its audit row.
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

using wisepay::test::read_file;
using wisepay::test::TempDir;

extern char **environ;

namespace {

double run_seconds() {
    const char *value = std::getenv("WISEPAY_SHARING_SECONDS");
    return value != nullptr ? std::atof(value) : 6.0;
}

// Starts `args` with stdout and stderr going to `log_file`.
pid_t spawn(const std::vector<std::string> &args, const std::string &log_file) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<std::string> copies = args;
    std::vector<char *> argv;
    for (std::string &arg : copies)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

std::string describe_exit(int status) {
    if (WIFSIGNALED(status))
        return std::string("killed by signal ") + strsignal(WTERMSIG(status));
    return "exit status " + std::to_string(WEXITSTATUS(status));
}

// Runs `args` again and again, one process after the other, until `stop`.
class Repeater {
  public:
    Repeater(std::vector<std::vector<std::string>> commands, std::string log_file)
        : thread_([this, commands = std::move(commands), log_file = std::move(log_file)] {
              while (!stop_) {
                  for (const auto &command : commands) {
                      const int status = wait_for(spawn(command, log_file));
                      ++runs_;
                      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                          ++failures_;
                  }
              }
          }) {}
    ~Repeater() { stop(); }
    void stop() {
        stop_ = true;
        if (thread_.joinable())
            thread_.join();
    }
    int runs() const { return runs_; }
    int failures() const { return failures_; }

  private:
    std::atomic<bool> stop_{false};
    std::atomic<int> runs_{0};
    std::atomic<int> failures_{0};
    std::thread thread_;
};

struct Acknowledged {
    std::int64_t version;
    long round;
};

std::vector<Acknowledged> read_acks(const std::string &ack_file) {
    std::vector<Acknowledged> acks;
    std::istringstream in(read_file(ack_file));
    Acknowledged ack{};
    while (in >> ack.version >> ack.round)
        acks.push_back(ack);
    return acks;
}

struct OnDisk {
    std::string integrity;
    std::int64_t version = -1;
    std::map<std::int64_t, std::string> audit_actor_by_version;
};

OnDisk read_database(const std::string &path) {
    OnDisk disk;
    sqlite3 *db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(db, 20000);
    auto each_row = [&](const char *sql, auto on_row) {
        sqlite3_stmt *statement = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK);
        while (sqlite3_step(statement) == SQLITE_ROW)
            on_row(statement);
        sqlite3_finalize(statement);
    };
    each_row("PRAGMA integrity_check", [&](sqlite3_stmt *row) {
        disk.integrity = reinterpret_cast<const char *>(sqlite3_column_text(row, 0));
    });
    each_row("SELECT version FROM settings WHERE tenant_id = 'acme'",
             [&](sqlite3_stmt *row) { disk.version = sqlite3_column_int64(row, 0); });
    each_row("SELECT version, actor FROM audit WHERE tenant_id = 'acme'", [&](sqlite3_stmt *row) {
        disk.audit_actor_by_version[sqlite3_column_int64(row, 0)] =
            reinterpret_cast<const char *>(sqlite3_column_text(row, 1));
    });
    sqlite3_close(db);
    return disk;
}

struct Scenario {
    bool operator_reads = false;     // sqlite3 opens and closes the file
    bool backup_checkpoint = false;  // sqlite3 .backup and wal_checkpoint(TRUNCATE)
    bool other_hosts = false;        // another process creates and destroys instances
    std::vector<std::string> modes;  // inside the saving host: reload, failing-create
};

void run_scenario(const Scenario &scenario) {
    TempDir dir;
    const std::string database = dir.file("settings.db");
    const std::string ack_file = dir.file("acks");
    const std::string saver_log = dir.file("saver.log");
    const std::string noise_log = dir.file("noise.log");
    const double seconds = run_seconds();

    std::vector<std::string> saver_args = {WISEPAY_SHARE_HOST_PATH, "saver",
                                           WISEPAY_PLUGIN_PATH,     database,
                                           std::to_string(seconds), ack_file};
    saver_args.insert(saver_args.end(), scenario.modes.begin(), scenario.modes.end());
    const pid_t saver = spawn(saver_args, saver_log);
    // The noise starts once the database exists: until then there is nothing to share.
    for (int i = 0; i < 2000 && read_file(ack_file).empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));

    std::vector<std::unique_ptr<Repeater>> noise;
    const std::string timeout = ".timeout 20000";
    if (scenario.operator_reads) {
        noise.push_back(std::make_unique<Repeater>(
            std::vector<std::vector<std::string>>{
                {"sqlite3", "-cmd", timeout, database, "SELECT count(*) FROM audit;"}},
            noise_log));
    }
    if (scenario.backup_checkpoint) {
        noise.push_back(std::make_unique<Repeater>(
            std::vector<std::vector<std::string>>{
                {"sqlite3", "-cmd", timeout, database, ".backup '" + dir.file("backup.db") + "'"},
                {"sqlite3", "-cmd", timeout, database, "PRAGMA wal_checkpoint(TRUNCATE);"}},
            noise_log));
    }
    if (scenario.other_hosts) {
        noise.push_back(std::make_unique<Repeater>(
            std::vector<std::vector<std::string>>{
                {WISEPAY_SHARE_HOST_PATH, "churn", WISEPAY_PLUGIN_PATH, database, "0.5"}},
            noise_log));
    }

    const int status = wait_for(saver);
    for (auto &repeater : noise)
        repeater->stop();

    INFO("saving host: " << read_file(saver_log));
    INFO("other processes: " << read_file(noise_log));
    REQUIRE(describe_exit(status) == "exit status 0");
    for (auto &repeater : noise) {
        CHECK(repeater->runs() > 0);
        CHECK(repeater->failures() == 0);
    }

    const std::vector<Acknowledged> acks = read_acks(ack_file);
    REQUIRE(!acks.empty());
    const OnDisk disk = read_database(database);
    CHECK(disk.integrity == "ok");
    CHECK(disk.version >= acks.back().version);
    int missing = 0;
    for (const Acknowledged &ack : acks) {
        const auto row = disk.audit_actor_by_version.find(ack.version);
        if (row == disk.audit_actor_by_version.end() ||
            row->second != "share-" + std::to_string(ack.round)) {
            if (++missing <= 5)
                UNSCOPED_INFO("acknowledged save " << ack.version << " (round " << ack.round
                                                   << ") has no audit row");
        }
    }
    CHECK(missing == 0);
}

}  // namespace

TEST_CASE("an operator's sqlite3 opening the file while a host saves and clicks") {
    run_scenario({.operator_reads = true, .modes = {}});
}

TEST_CASE("backups and WAL checkpoints while a host saves and clicks") {
    run_scenario({.backup_checkpoint = true, .modes = {}});
}

TEST_CASE("other host processes creating and destroying instances while a host saves") {
    run_scenario({.other_hosts = true, .modes = {}});
}

TEST_CASE("a host that reloads (new instance, then the old destroyed) while it saves") {
    run_scenario({.modes = {"reload"}});
}

TEST_CASE("a create that fails late in the saving host") {
    run_scenario({.modes = {"failing-create"}});
}

TEST_CASE("everything at once") {
    run_scenario({.operator_reads = true,
                  .backup_checkpoint = true,
                  .other_hosts = true,
                  .modes = {"reload", "failing-create"}});
}
