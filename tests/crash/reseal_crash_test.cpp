// The re-seal crash test: the C host's reseal-keys command (examples/
// host_cli, through the maintenance extension) is SIGKILLed at a random
// moment, over and over, on one database, alternating the current master key
// so that every run has keys to move. After each kill every tenant's key must
// still open with the two keys (a click through the plugin works), and at the
// end a run to completion moves everything, after which the new key alone
// opens every tenant's key. On both backends.
//
// WISEPAY_RESEAL_KILLS (default 200) and WISEPAY_CRASH_SEED override the
// number of kills that land mid-run and the random seed (printed, so a
// failure can be replayed).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/plugin_host.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/plugin_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backend.h"

using namespace wisepay::test;
using Clock = std::chrono::steady_clock;

extern char **environ;

namespace {

const std::string kKeyA(64, 'a');
const std::string kKeyB(64, 'b');
constexpr int kTenants = 40;
const std::string kPayer = "pat@customer.example";

long env_or(const char *name, long fallback) {
    const char *value = std::getenv(name);
    return value != nullptr ? std::atol(value) : fallback;
}

std::string tenant(int i) {
    char name[16];
    std::snprintf(name, sizeof name, "tenant%02d", i);
    return name;
}

std::string api_key(int i) {
    return "wp_live_" + tenant(i) + "_CRASHrotate";
}

pid_t start_reseal(const std::string &config_file, const std::string &output) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<std::string> args = {
        WISEPAY_HOST_CLI_PATH, "--plugin",    WISEPAY_PLUGIN_PATH, "--config-file",
        config_file,           "reseal-keys", "--actor",           "ops@portal.example"};
    std::vector<char *> argv;
    for (std::string &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    REQUIRE(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

// Every tenant's key opens: a click through `plugin` gets a sign-in link.
void check_every_key_opens(PluginInstance &plugin) {
    for (int i = 0; i < kTenants; ++i) {
        const CallResult clicked = plugin.open_invoice(tenant(i).c_str(), kPayer.c_str());
        INFO(tenant(i) << ": " << clicked.describe());
        REQUIRE(clicked.ok());
    }
}

}  // namespace

TEST_CASE("a re-seal killed at random moments leaves every key openable, and a rerun finishes") {
    const Backend backend = GENERATE(Backend::kSqlite, Backend::kPostgres);
    use_backend(backend);
    INFO(backend_name(backend));
    const long kills = env_or("WISEPAY_RESEAL_KILLS", 200);
    const unsigned seed =
        static_cast<unsigned>(env_or("WISEPAY_CRASH_SEED", std::random_device{}()));
    INFO("seed " << seed << " (set WISEPAY_CRASH_SEED to replay)");
    std::mt19937 random(seed);

    FakeWisePay fake;
    fake.keep_requests(false);
    for (int i = 0; i < kTenants; ++i) {
        fake.add_merchant(api_key(i), tenant(i));
        fake.add_payer(api_key(i), kPayer);
    }
    TempDir dir;
    TestHost host;
    const std::string db = dir.file("settings.db");
    auto config = [&](std::vector<std::string> ring) {
        PluginConfig c{db, "", fake.base_url(), fake.ca_file()};
        c.ring = std::move(ring);
        return plugin_config_json(c);
    };
    {
        PluginInstance under_a(host, config({kKeyA + "*"}));
        for (int i = 0; i < kTenants; ++i) {
            REQUIRE(under_a
                        .save(tenant(i).c_str(), "ann", 0,
                              "{\"api_key\":\"" + api_key(i) + "\",\"enabled\":true}")
                        .ok());
        }
    }
    // The host CLI reads the config from a file: one for each direction.
    const std::string to_b = dir.file("to-b.json");
    const std::string to_a = dir.file("to-a.json");
    std::ofstream(to_b) << config({kKeyA, kKeyB + "*"});
    std::ofstream(to_a) << config({kKeyB, kKeyA + "*"});
    const std::string output = dir.file("reseal.out");

    // How long a whole run takes here, so kills land anywhere in one: in
    // dlopen, in create, mid-transaction, between tenants.
    const auto started = Clock::now();
    REQUIRE(WEXITSTATUS(wait_for(start_reseal(to_b, output))) == 0);
    const auto whole_run =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
    INFO("a whole run: " << whole_run.count() << " us; " << read_file(output));
    std::uniform_int_distribution<long> delay_us(0, whole_run.count());

    PluginInstance both(host, config({kKeyA, kKeyB + "*"}));
    // Rounds go on until `kills` of them were really killed mid-run; a run
    // that finished before its kill counts as a round, not a kill.
    long rounds = 0;
    for (long killed = 0; killed < kills; ++rounds) {
        INFO("round " << rounds << ", " << killed << " killed");
        REQUIRE(rounds < 4 * kills);
        const pid_t child = start_reseal(rounds % 2 == 0 ? to_a : to_b, output);
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
        ::kill(child, SIGKILL);
        const int status = wait_for(child);
        if (WIFSIGNALED(status))
            ++killed;
        else
            REQUIRE(WEXITSTATUS(status) == 0);  // it finished first
        check_every_key_opens(both);
    }

    // A run to completion moves everything under B; B alone then opens all.
    REQUIRE(WEXITSTATUS(wait_for(start_reseal(to_b, output))) == 0);
    const std::string report = read_file(output);
    INFO(report);
    CHECK(report.find("remaining: 0\n") != std::string::npos);
    PluginInstance only_b(host, config({kKeyB + "*"}));
    check_every_key_opens(only_b);
    std::printf("reseal crash test (%s): %ld kills in %ld rounds, a whole run %lld us, seed %u\n",
                backend_name(backend), kills, rounds, static_cast<long long>(whole_run.count()),
                seed);
    use_backend(Backend::kSqlite);
}
