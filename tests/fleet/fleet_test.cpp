// The fleet test: host nodes in processes of their own (fleet_node, each
// with one plugin instance loaded through dlopen) sharing one PostgreSQL
// database on a server this test starts, stops and kills. The fake
// Wise-Pay runs in this process; every node talks to it over TLS.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/fake_wisepay.h"
#include "tests/support/line_process.h"
#include "tests/support/plugin_config.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

using namespace wisepay::test;
using namespace std::chrono_literals;

namespace {

const std::string kKey = "wp_live_FLEETkeyBODY_7788";
const std::string kPayer = "pat@customer.example";

// A PostgreSQL server, one database on it, the fake Wise-Pay, and the config
// file every node reads.
struct Fleet {
    Fleet() : url(server.create_database()) {
        fake.add_merchant(kKey, "Fleet Payments");
        fake.add_payer(kKey, kPayer);
        std::ofstream(config_file)
            << plugin_config_json({"", std::string(64, '4'), fake.base_url(), fake.ca_file(), url},
                                  ",\"deadline_ms\":2000,\"pool_size\":4");
    }

    std::unique_ptr<LineProcess> node(const std::string &name) {
        auto process = std::make_unique<LineProcess>(
            std::vector<std::string>{WISEPAY_FLEET_NODE_PATH, WISEPAY_PLUGIN_PATH, config_file},
            dir.file(name + ".stderr"));
        const auto ready = process->read_line(60s);
        INFO(read_file(dir.file(name + ".stderr")));
        REQUIRE(ready == std::optional<std::string>("ready"));
        return process;
    }

    std::string settings_body(bool enabled) const {
        return std::string("{\"api_key\":\"") + kKey +
               "\",\"enabled\":" + (enabled ? "true" : "false") + "}";
    }

    TempDir dir;
    PostgresServer server;
    std::string url;
    FakeWisePay fake;
    std::string config_file = dir.file("plugin-config.json");
};

}  // namespace

TEST_CASE("a key and Enabled saved on one node are used by another's next click, and unticked") {
    Fleet fleet;
    auto a = fleet.node("a");
    auto b = fleet.node("b");

    CHECK_THAT(b->ask("click acme " + kPayer + " 0"), Catch::StartsWith("error no_api_key"));
    REQUIRE(a->ask("save acme 0 ann " + fleet.settings_body(true)) == "ok 1");
    // The save checked the new key with Wise-Pay; count what the click asks.
    CHECK(fleet.fake.requests().size() == 1);
    fleet.fake.forget_requests();
    CHECK(b->ask("click acme " + kPayer + " 0") == "ok");
    REQUIRE(fleet.fake.requests().size() == 1);
    CHECK(fleet.fake.requests()[0].authorization == "Bearer " + kKey);

    REQUIRE(a->ask("save acme 1 ann {\"enabled\":false}") == "ok 2");
    CHECK_THAT(b->ask("click acme " + kPayer + " 0"),
               Catch::StartsWith("error integration_disabled"));
    CHECK(b->ask("version acme") == "2");

    REQUIRE(b->ask("save acme 2 bob {\"enabled\":true}") == "ok 3");
    CHECK(a->ask("click acme " + kPayer + " 0") == "ok");
    // A node that saves from a version another node has moved past is told so.
    CHECK(a->ask("save acme 2 ann {\"enabled\":false}") == "conflict");
}

TEST_CASE("two nodes with four threads each saving one tenant: one winner per version") {
    Fleet fleet;
    auto a = fleet.node("a");
    auto b = fleet.node("b");
    REQUIRE(a->ask("save acme 0 ann " + fleet.settings_body(true)) == "ok 1");

    a->send("race acme 4 20 a");
    b->send("race acme 4 20 b");
    std::map<std::int64_t, std::string> winners;
    int wins = 0, conflicts = 0, failures = 0;
    for (LineProcess *node : {a.get(), b.get()}) {
        for (;;) {
            const auto line = node->read_line(120s);
            REQUIRE(line);
            std::istringstream in(*line);
            std::string word;
            in >> word;
            if (word == "done") {
                int c = 0, f = 0;
                in >> c >> f;
                conflicts += c;
                failures += f;
                break;
            }
            std::int64_t version = 0;
            std::string actor;
            in >> version >> actor;
            ++wins;
            CHECK(winners.emplace(version, actor).second);  // never two for one version
        }
    }
    INFO(wins << " saves won, " << conflicts << " conflicts, " << failures << " failures");
    CHECK(failures == 0);
    CHECK(conflicts > 0);
    // Versions 2..wins+1 each won once, and the audit trail has a row for
    // each winner (plus the first save), written by that winner.
    CHECK(winners.begin()->first == 2);
    CHECK(winners.rbegin()->first == wins + 1);
    CHECK(fleet.server.psql(fleet.url, "SELECT count(*) FROM wisepay.audit") ==
          std::to_string(wins + 1) + "\n");
    for (const auto &[version, actor] : winners) {
        CHECK(fleet.server.psql(fleet.url, "SELECT actor FROM wisepay.audit WHERE version = " +
                                               std::to_string(version)) == actor + "\n");
    }
}

TEST_CASE("PostgreSQL stopped: clicks and saves fail within their deadline, then recover") {
    Fleet fleet;
    auto a = fleet.node("a");
    REQUIRE(a->ask("save acme 0 ann " + fleet.settings_body(true)) == "ok 1");
    REQUIRE(a->ask("click acme " + kPayer + " 0") == "ok");

    fleet.server.stop();
    for (int i = 0; i < 3; ++i) {
        const std::string clicked = a->ask("click acme " + kPayer + " 1500");
        INFO(clicked);
        REQUIRE_THAT(clicked, Catch::StartsWith("error storage_failure "));
        CHECK(std::stol(clicked.substr(clicked.rfind(' '))) < 1500 + 2000);
        CHECK(a->ask("save acme 1 ann {\"enabled\":false}") == "error storage_failure");
    }

    fleet.server.start();
    CHECK(a->ask("click acme " + kPayer + " 0") == "ok");
    CHECK(a->ask("save acme 1 ann {\"enabled\":false}") == "ok 2");
}

TEST_CASE("PostgreSQL killed during a stream of saves: every acknowledged save is kept") {
    Fleet fleet;
    auto a = fleet.node("a");
    REQUIRE(a->ask("save acme 0 ann " + fleet.settings_body(true)) == "ok 1");
    std::mt19937 random(std::random_device{}());

    // This thread stops and starts the server (it dies with the thread that
    // started it); another reads the node's answers meanwhile.
    a->send("stream acme 600 s");
    std::set<std::string> acknowledged, unknown, failed;
    bool finished = false;
    std::thread reader([&] {
        while (const auto line = a->read_line(300s)) {
            if (*line == "done") {
                finished = true;
                return;
            }
            std::istringstream in(*line);
            std::string outcome, first, second;
            in >> outcome >> first >> second;
            if (outcome == "ok")
                acknowledged.insert(second);
            else if (outcome == "unknown")
                unknown.insert(first);
            else
                failed.insert(first);
        }
    });
    for (int kill = 0; kill < 4; ++kill) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 200));
        fleet.server.kill();
        std::this_thread::sleep_for(100ms);
        fleet.server.start();
    }
    reader.join();
    REQUIRE(finished);

    std::set<std::string> stored;
    std::istringstream rows(fleet.server.psql(fleet.url, "SELECT actor FROM wisepay.audit"));
    for (std::string actor; std::getline(rows, actor);)
        stored.insert(actor);
    INFO(acknowledged.size() << " acknowledged, " << unknown.size() << " outcome unknown, "
                             << failed.size() << " failed");
    CHECK(failed.size() > 0);  // the server was really gone for a while
    for (const std::string &actor : acknowledged)
        CHECK(stored.count(actor) == 1);
    for (const std::string &actor : failed)
        CHECK(stored.count(actor) == 0);
    // The stored version is the number of saves stored, and the node reads it.
    const std::size_t saves = stored.size();
    CHECK(a->ask("version acme") == std::to_string(saves));
}
