// Rotating the master key through dlopen, on both backends: keys sealed
// under the old key keep working once a new one is current, re-sealing moves
// them, a key the ring lacks is named in a clear error, and a key can come
// from the host's secret store.
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/plugin_host.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/plugin_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backend.h"

using namespace wisepay::test;

namespace {

const std::string kKeyA(64, 'a');
const std::string kKeyB(64, 'b');
const std::string kKeyC(64, 'c');
const std::string kPayer = "pat@customer.example";

std::string api_key_of(const std::string &tenant) {
    return "wp_live_" + tenant + "_ROTATEkey_42";
}

// A config whose master keys are `ring`: hex keys, the one marked "*" current.
std::string config_with_ring(const std::string &database, const FakeWisePay &fake,
                             const std::vector<std::string> &ring) {
    PluginConfig config{database, "", fake.base_url(), fake.ca_file()};
    config.ring = ring;
    return plugin_config_json(config);
}

const wisepay_maintenance_api &maintenance() {
    const auto *m = static_cast<const wisepay_maintenance_api *>(
        plugin_api().get_extension(WISEPAY_EXT_MAINTENANCE));
    REQUIRE(m != nullptr);
    return *m;
}

struct Resealed {
    CallResult result;
    std::string current;
    std::uint64_t resealed = 0, remaining = 0;
    std::map<std::string, std::uint64_t> by_key;
};

Resealed reseal(PluginInstance &plugin, std::uint32_t max_tenants = 0) {
    wisepay_reseal_request request = WISEPAY_RESEAL_REQUEST_INIT;
    request.actor = "ops@portal.example";
    request.max_tenants = max_tenants;
    wisepay_reseal_report *report = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status =
        maintenance().reseal_keys(plugin.raw(), &request, &report, &error);
    Resealed out;
    out.result = take_error(status, error);
    if (report != nullptr) {
        out.current = report->current_key_id;
        out.resealed = report->resealed;
        out.remaining = report->remaining;
        for (std::size_t i = 0; i < report->remaining_by_key_count; ++i)
            out.by_key[report->remaining_by_key[i].key_id] = report->remaining_by_key[i].count;
        maintenance().free_reseal_report(report);
    }
    return out;
}

void save_tenants(PluginInstance &plugin, const std::vector<std::string> &tenants) {
    for (const std::string &tenant : tenants) {
        const CallResult saved =
            plugin.save(tenant.c_str(), "ann", 0,
                        "{\"api_key\":\"" + api_key_of(tenant) + "\",\"enabled\":true}");
        INFO(saved.describe());
        REQUIRE(saved.ok());
    }
}

void check_clicks(PluginInstance &plugin, const std::vector<std::string> &tenants) {
    for (const std::string &tenant : tenants) {
        const CallResult clicked = plugin.open_invoice(tenant.c_str(), kPayer.c_str());
        INFO(tenant << ": " << clicked.describe());
        CHECK(clicked.ok());
    }
}

}  // namespace

TEST_CASE("a new current master key: old keys open, new saves use it, re-sealing moves the rest") {
    const std::vector<std::string> tenants = {"acme", "globex", "initech"};
    FakeWisePay fake;
    for (const std::string tenant : {"acme", "globex", "initech", "umbrella"}) {
        fake.add_merchant(api_key_of(tenant), tenant);
        fake.add_payer(api_key_of(tenant), kPayer);
    }
    TempDir dir;
    TestHost host;
    const std::string db = dir.file("settings.db");
    {
        PluginInstance only_a(host, config_with_ring(db, fake, {kKeyA + "*"}));
        save_tenants(only_a, tenants);
    }

    PluginInstance a_and_b(host, config_with_ring(db, fake, {kKeyA, kKeyB + "*"}));
    check_clicks(a_and_b, tenants);       // sealed under A, opened with A
    save_tenants(a_and_b, {"umbrella"});  // sealed under B, the current key

    // One tenant at a time, then the rest: each run reports what remains.
    const Resealed first = reseal(a_and_b, 1);
    INFO(first.result.describe());
    REQUIRE(first.result.ok());
    CHECK(first.resealed == 1);
    CHECK(first.remaining == 2);
    REQUIRE(first.by_key.size() == 1);
    const std::string id_a = first.by_key.begin()->first;
    CHECK(id_a != first.current);
    const Resealed rest = reseal(a_and_b);
    CHECK(rest.resealed == 2);
    CHECK(rest.remaining == 0);
    CHECK(rest.by_key.empty());
    CHECK(reseal(a_and_b).resealed == 0);  // nothing left: a rerun is a no-op

    // The audit trail says so, under the ops actor, without any key in it.
    const auto trail = audit_rows(db);
    int resealed_rows = 0;
    for (const std::string &row : trail) {
        if (row.find("re-sealed") != std::string::npos) {
            ++resealed_rows;
            CHECK(row.find("ops@portal.example") != std::string::npos);
            CHECK(row.find("ROTATEkey") == std::string::npos);
        }
    }
    CHECK(resealed_rows == 3);
    // The settings versions did not move: pages loaded before stay valid.
    CHECK(a_and_b.get_settings("acme").json.find("\"version\":1") != std::string::npos);

    // The old key can go: a ring of B alone opens everything.
    PluginInstance only_b(host, config_with_ring(db, fake, {kKeyB + "*"}));
    check_clicks(only_b, {"acme", "globex", "initech", "umbrella"});

    // A ring without the key a row names: a clear error naming its id.
    PluginInstance only_c(host, config_with_ring(db, fake, {kKeyC + "*"}));
    const CallResult missing = only_c.open_invoice("acme", kPayer.c_str());
    CHECK(missing.status == WISEPAY_E_CRYPTO);
    CHECK(missing.code == "master_key_missing");
    // The portal user reads that paying is unavailable, with a support id;
    // the log line with that id names the key id for whoever fixes it.
    CHECK(missing.message.find(rest.current) == std::string::npos);
    CHECK_FALSE(missing.correlation_id.empty());
    CHECK_THAT(host.all_logs(),
               Catch::Contains(missing.correlation_id) && Catch::Contains(rest.current));
    for (const std::string &secret : {kKeyA, kKeyB, kKeyC, std::string("ROTATEkey")}) {
        CHECK(missing.message.find(secret) == std::string::npos);
        CHECK(host.all_logs().find(secret) == std::string::npos);
        CHECK(stored_text(db).find(secret) == std::string::npos);
    }
}

TEST_CASE("re-sealing moves what it can open and names a key the ring lacks") {
    FakeWisePay fake;
    for (const std::string tenant : {"aaa", "bbb", "ccc"})
        fake.add_merchant(api_key_of(tenant), tenant);
    TempDir dir;
    TestHost host;
    const std::string db = dir.file("settings.db");
    {
        PluginInstance under_a(host, config_with_ring(db, fake, {kKeyA + "*"}));
        save_tenants(under_a, {"aaa", "ccc"});
        PluginInstance under_c(host, config_with_ring(db, fake, {kKeyC + "*"}));
        save_tenants(under_c, {"bbb"});
    }
    PluginInstance a_and_b(host, config_with_ring(db, fake, {kKeyA, kKeyB + "*"}));
    const Resealed stopped = reseal(a_and_b);
    CHECK(stopped.result.status == WISEPAY_E_CRYPTO);
    CHECK(stopped.result.code == "master_key_missing");
    CHECK_THAT(stopped.result.message, Catch::Contains("2 tenants were re-sealed"));
    // The two it could open moved; a rerun has nothing to move but still
    // names the key it lacks.
    const Resealed again = reseal(a_and_b);
    CHECK(again.result.status == WISEPAY_E_CRYPTO);
    CHECK_THAT(again.result.message, Catch::Contains("0 tenants were re-sealed"));
    int moved = 0;
    for (const std::string &row : audit_rows(db))
        moved += row.find("re-sealed") != std::string::npos ? 1 : 0;
    CHECK(moved == 2);
    // Once the ring has the missing key, the last one moves too.
    PluginInstance all(host, config_with_ring(db, fake, {kKeyA, kKeyC, kKeyB + "*"}));
    const Resealed finished = reseal(all);
    INFO(finished.result.describe());
    CHECK(finished.result.ok());
    CHECK(finished.resealed == 1);
    CHECK(finished.remaining == 0);
}

TEST_CASE("a master key from the host's secret store") {
    FakeWisePay fake;
    fake.add_merchant(api_key_of("acme"), "Acme");
    fake.add_payer(api_key_of("acme"), kPayer);
    TempDir dir;
    const std::string db = dir.file("settings.db");
    const std::string from_host = plugin_config_json({db, kKeyA, fake.base_url(), fake.ca_file()});
    auto with_host_key = [&](const std::string &name) {
        std::string config = from_host;
        const std::size_t at = config.find("{\"source\":\"hex\"");
        config.replace(at, config.find('}', at) - at + 1,
                       "{\"source\":\"host\",\"name\":\"" + name + "\"}");
        return config;
    };
    const std::string key_bytes(32, '\xA7');

    {
        TestHost host;
        host.store_master_key("wisepay/2026", key_bytes);
        PluginInstance plugin(host, with_host_key("wisepay/2026"));
        CHECK(host.master_key_requests() == 1);
        save_tenants(plugin, {"acme"});
        check_clicks(plugin, {"acme"});
    }
    {
        // The same key from another source opens what it sealed.
        TestHost host;
        std::string hex;
        for (int i = 0; i < 32; ++i)
            hex += "a7";
        PluginInstance plugin(host, config_with_ring(db, fake, {hex + "*"}));
        check_clicks(plugin, {"acme"});
    }

    struct Case {
        const char *what;
        std::string bytes;
        wisepay_status fail_with;
        const char *says;
    };
    for (const Case &c : {Case{"fails", key_bytes, WISEPAY_E_UNAVAILABLE, "returned 13"},
                          Case{"too short", std::string(31, 'x'), WISEPAY_OK, "31 bytes"},
                          Case{"too long", std::string(33, 'x'), WISEPAY_OK, "33 bytes"}}) {
        INFO(c.what);
        TestHost host;
        host.store_master_key("wisepay/2026", c.bytes, c.fail_with);
        const CallResult r = try_create(host, with_host_key("wisepay/2026"));
        CHECK(r.status == WISEPAY_E_CONFIG);
        CHECK_THAT(r.message, Catch::Contains("wisepay/2026") && Catch::Contains(c.says));
    }

    // A host table of version 1's size ends before get_master_key: the
    // plugin does not read it, and says the host gives no callback.
    TestHost old_host;
    old_host.store_master_key("wisepay/2026", key_bytes);
    wisepay_host v1 = *old_host.table();
    v1.struct_size = offsetof(wisepay_host, get_master_key);
    const std::string config = with_host_key("wisepay/2026");
    wisepay_instance *instance = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status =
        plugin_api().create(&v1, config.data(), config.size(), &instance, &error);
    const CallResult refused = take_error(status, error);
    CHECK(refused.status == WISEPAY_E_CONFIG);
    CHECK_THAT(refused.message, Catch::Contains("no get_master_key callback"));
    CHECK(old_host.master_key_requests() == 0);
}

TEST_CASE("re-sealing while threads click and save on the same tenants loses nothing") {
    constexpr int kTenants = 8;
    auto name = [](int i) { return "tenant" + std::to_string(i); };
    auto key = [](int i, int n) {
        return "wp_live_t" + std::to_string(i) + "_ROTATEkey_" + std::to_string(n % 2);
    };
    FakeWisePay fake;
    fake.keep_requests(false);
    for (int i = 0; i < kTenants; ++i) {
        for (int n = 0; n < 2; ++n) {
            fake.add_merchant(key(i, n), name(i));
            fake.add_payer(key(i, n), kPayer);
        }
    }
    TempDir dir;
    TestHost host;
    const std::string db = dir.file("settings.db");
    // Saves seal under A, the re-seal moves to B, clicks open either.
    PluginInstance saver(host, config_with_ring(db, fake, {kKeyB, kKeyA + "*"}));
    PluginInstance clicker(host, config_with_ring(db, fake, {kKeyA, kKeyB + "*"}));
    PluginInstance ops(host, config_with_ring(db, fake, {kKeyA, kKeyB + "*"}));
    for (int i = 0; i < kTenants; ++i) {
        REQUIRE(saver
                    .save(name(i).c_str(), "ann", 0,
                          "{\"api_key\":\"" + key(i, 0) + "\",\"enabled\":true}")
                    .ok());
    }

    std::atomic<bool> stop{false};
    std::atomic<int> clicks{0}, failed_clicks{0}, saves{0}, failed_saves{0}, reseals{0};
    std::mutex mutex;
    std::vector<std::string> acknowledged;  // "tenant|actor|version|"
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {  // clickers
        threads.emplace_back([&, t] {
            for (int n = 0; !stop; ++n) {
                const CallResult r =
                    clicker.open_invoice(name((n + t) % kTenants).c_str(), kPayer.c_str());
                ++clicks;
                if (!r.ok()) {
                    ++failed_clicks;
                    UNSCOPED_INFO("click: " << r.describe());
                }
            }
        });
    }
    for (int t = 0; t < 2; ++t) {  // savers, each with tenants of its own
        threads.emplace_back([&, t] {
            std::vector<std::int64_t> version(kTenants, 1);
            for (int n = 1; !stop; ++n) {
                const int i = 2 * (n % (kTenants / 2)) + t;
                const std::string actor = "saver" + std::to_string(t) + "-" + std::to_string(n);
                const CallResult r = saver.save(name(i).c_str(), actor.c_str(), version[i],
                                                "{\"api_key\":\"" + key(i, n) + "\"}");
                if (!r.ok()) {
                    ++failed_saves;
                    UNSCOPED_INFO("save: " << r.describe());
                    continue;
                }
                ++saves;
                version[i] += 1;
                std::lock_guard lock(mutex);
                acknowledged.push_back(name(i) + "|" + actor + "|" + std::to_string(version[i]) +
                                       "|");
            }
        });
    }
    threads.emplace_back([&] {  // the operator, re-sealing again and again
        while (!stop) {
            const Resealed r = reseal(ops);
            if (r.result.ok())
                ++reseals;
            else
                UNSCOPED_INFO("reseal: " << r.result.describe());
        }
    });
    std::this_thread::sleep_for(std::chrono::seconds(3));
    stop = true;
    for (auto &thread : threads)
        thread.join();

    INFO(clicks << " clicks, " << saves << " saves, " << reseals << " re-seal runs");
    CHECK(failed_clicks == 0);
    CHECK(failed_saves == 0);
    CHECK(clicks > 0);
    CHECK(saves > 0);
    CHECK(reseals > 0);
    const auto trail = audit_rows(db);
    for (const std::string &row : acknowledged) {
        const bool found = std::any_of(trail.begin(), trail.end(), [&](const std::string &line) {
            return line.rfind(row, 0) == 0;
        });
        if (!found)
            FAIL_CHECK("acknowledged save without its audit row: " << row);
    }
    // Whatever the savers left under A, one more run moves; B alone opens all.
    REQUIRE(reseal(ops).result.ok());
    PluginInstance only_b(host, config_with_ring(db, fake, {kKeyB + "*"}));
    for (int i = 0; i < kTenants; ++i)
        CHECK(only_b.open_invoice(name(i).c_str(), kPayer.c_str()).ok());
}
