// The crash test: a child process (save_loop) saves settings in a loop and
// is killed with SIGKILL at a random moment, many times over, on one
// database file. After each kill the database must open, pass
// PRAGMA integrity_check, and hold exactly one whole save: the last one the
// plugin acknowledged, or the one that was in flight when the kill came
// (committed but not yet acknowledged). Never an older one, never a mix of
// two saves, and the audit trail holds one row per version.
//
// WISEPAY_CRASH_ROUNDS and WISEPAY_CRASH_SEED override the number of kills
// and the random seed (printed, so a failure can be replayed).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>

#include "tests/integration/plugin_host.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/temp_dir.h"

using namespace wisepay::test;
namespace json = boost::json;

extern char **environ;

namespace {

// The master key save_loop uses: 64 hex digits, "00...05".
const std::string kMasterKey = std::string(63, '0') + "5";

long env_or(const char *name, long fallback) {
    const char *value = std::getenv(name);
    return value != nullptr ? std::atol(value) : fallback;
}

// The last complete line of the ack file, as a number; 0 when none.
std::int64_t last_acknowledged(const std::string &ack_file, std::int64_t fallback) {
    const std::string text = read_file(ack_file);
    const std::size_t end = text.rfind('\n');
    if (end == std::string::npos)
        return fallback;
    const std::size_t start = text.rfind('\n', end - 1);
    const std::size_t from = start == std::string::npos || end == 0 ? 0 : start + 1;
    return std::stoll(text.substr(from, end - from));
}

struct Child {
    pid_t pid = -1;
};

// The fake Wise-Pay save_loop checks its keys with: it knows the key of
// every version up to the last one prepared.
class KeyChecker {
  public:
    KeyChecker() { fake_.keep_requests(false); }
    // Makes sure the keys of versions up to `version` + 10,000 are known (a
    // save_loop makes far fewer saves than that before it is killed).
    void prepare(std::int64_t version) {
        for (; prepared_ <= version + 10'000; ++prepared_) {
            char key[32];
            std::snprintf(key, sizeof key, "crash-key-%08lld", static_cast<long long>(prepared_));
            fake_.add_merchant(key, "Crash Test Merchant");
        }
    }
    std::string base_url() const { return fake_.base_url(); }
    std::string ca_file() const { return fake_.ca_file(); }

  private:
    FakeWisePay fake_;
    std::int64_t prepared_ = 1;
};

Child start_save_loop(KeyChecker &wisepay, const std::string &database, std::int64_t first_version,
                      const std::string &ack_file, const std::string &stderr_file) {
    wisepay.prepare(first_version);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    const std::string ack_env = "WISEPAY_ACK_FILE=" + ack_file;
    std::vector<std::string> env_strings{ack_env};
    for (char **e = environ; *e != nullptr; ++e)
        env_strings.emplace_back(*e);
    std::vector<char *> envp;
    for (std::string &s : env_strings)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string program = WISEPAY_SAVE_LOOP_PATH, plugin = WISEPAY_PLUGIN_PATH, db = database,
                first = std::to_string(first_version), base_url = wisepay.base_url(),
                ca_file = wisepay.ca_file();
    char *argv[] = {program.data(),  plugin.data(),  db.data(), first.data(),
                    base_url.data(), ca_file.data(), nullptr};
    Child child;
    const int rc = posix_spawn(&child.pid, program.c_str(), &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    return child;
}

std::string sqlite_text(sqlite3 *db, const char *sql) {
    sqlite3_stmt *statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK);
    std::string value;
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr) {
        value = reinterpret_cast<const char *>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    return value;
}

// Opens the file with plain SQLite, as any tool would, and checks it.
void check_database_file(const std::string &path, std::int64_t version) {
    sqlite3 *db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    CHECK(sqlite_text(db, "PRAGMA integrity_check") == "ok");
    CHECK(sqlite_text(db, "SELECT count(*) FROM audit WHERE tenant_id = 'acme'") ==
          std::to_string(version));
    if (version > 0) {
        CHECK(sqlite_text(db, "SELECT max(version) FROM audit WHERE tenant_id = 'acme'") ==
              std::to_string(version));
    }
    sqlite3_close(db);
}

// Starts save_loop on a database of its own and waits for its first
// acknowledged save.
std::chrono::microseconds time_to_first_save(KeyChecker &wisepay, const std::string &database,
                                             const std::string &ack_file,
                                             const std::string &stderr_file) {
    std::remove(ack_file.c_str());
    const auto start = std::chrono::steady_clock::now();
    const Child child = start_save_loop(wisepay, database, 1, ack_file, stderr_file);
    while (read_file(ack_file).find('\n') == std::string::npos) {
        int status = 0;
        if (::waitpid(child.pid, &status, WNOHANG) == child.pid) {
            FAIL("save_loop stopped by itself: " << read_file(stderr_file));
        }
        REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, nullptr, 0);
    return elapsed;
}

}  // namespace

TEST_CASE("settings survive SIGKILL at random moments: always one whole acknowledged save") {
    const long rounds = env_or("WISEPAY_CRASH_ROUNDS", 150);
    const unsigned seed =
        static_cast<unsigned>(env_or("WISEPAY_CRASH_SEED", std::random_device{}()));
    INFO("seed " << seed << " (set WISEPAY_CRASH_SEED to replay)");
    std::mt19937 random(seed);

    TempDir dir;
    const std::string database = dir.file("settings.db");
    const std::string ack_file = dir.file("acks");
    const std::string stderr_file = dir.file("save_loop.stderr");

    // How long save_loop takes to its first acknowledged save on this
    // machine and build (sanitizers make start-up several times slower).
    // Kills then fall anywhere from dlopen, through create (the schema
    // migration in round 1), to the middle of a commit or between saves.
    KeyChecker wisepay;
    const auto startup =
        time_to_first_save(wisepay, dir.file("calibration.db"), ack_file, stderr_file);
    std::uniform_int_distribution<long> delay_us(0, 2 * startup.count() + 40'000);

    TestHost host;
    std::int64_t acknowledged = 0;
    long kills_mid_run = 0;     // rounds where at least one save was acknowledged
    long in_flight_stored = 0;  // rounds where the unacknowledged save had committed

    for (long round = 1; round <= rounds; ++round) {
        INFO("round " << round);
        std::remove(ack_file.c_str());
        const Child child =
            start_save_loop(wisepay, database, acknowledged + 1, ack_file, stderr_file);
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
        REQUIRE(::kill(child.pid, SIGKILL) == 0);
        int status = 0;
        REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
        INFO("save_loop stderr: " << read_file(stderr_file));
        // It was killed, not stopped by a refusal of its own.
        REQUIRE(WIFSIGNALED(status));
        REQUIRE(WTERMSIG(status) == SIGKILL);

        const std::int64_t previous = acknowledged;
        acknowledged = last_acknowledged(ack_file, previous);
        if (acknowledged > previous)
            ++kills_mid_run;

        // The plugin opens the file again and reads one whole save.
        PluginInstance plugin(host, make_config(database, kMasterKey));
        const CallResult read = plugin.get_settings("acme");
        INFO(read.describe());
        REQUIRE(read.ok());
        const json::object settings = json::parse(read.json).as_object();
        const std::int64_t version = settings.at("version").as_int64();
        INFO("acknowledged " << acknowledged << ", stored " << version);
        REQUIRE((version == acknowledged || version == acknowledged + 1));
        if (version > 0) {
            char digits[24];
            std::snprintf(digits, sizeof digits, "%08lld", static_cast<long long>(version));
            CHECK(settings.at("api_key").at("last4").as_string() == std::string(digits).substr(4));
            CHECK(settings.at("enabled").as_bool() == (version % 2 == 1));
            CHECK(settings.at("updated_by").as_string() == "crash-" + std::to_string(version));
        }
        if (version == acknowledged + 1)
            ++in_flight_stored;
        check_database_file(database, version);
        // The next child continues from what is stored (it may be ahead of
        // the last acknowledgement by the save that was in flight).
        acknowledged = version;
    }
    std::printf(
        "crash test: %ld kills (%ld after saves were acknowledged, %ld with the save in "
        "flight committed), %lld saves, start-up %lld us, seed %u\n",
        rounds, kills_mid_run, in_flight_stored, static_cast<long long>(acknowledged),
        static_cast<long long>(startup.count()), seed);
    // The kills must have landed mid-run often, not only during start-up.
    CHECK(kills_mid_run >= rounds / 4);
    CHECK(acknowledged > 0);
}
