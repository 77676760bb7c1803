// Rotating the master key through dlopen, on both backends: keys sealed
// under the old key keep working once a new one is current, re-sealing moves
// them, a key the ring lacks is named in a clear error, and a key can come
// from the host's secret store.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <string>
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
    std::string keys = ",\"master_keys\":[";
    for (std::size_t i = 0; i < ring.size(); ++i) {
        const bool current = ring[i].back() == '*';
        const std::string hex = current ? ring[i].substr(0, ring[i].size() - 1) : ring[i];
        keys += std::string(i ? "," : "") + "{\"source\":\"hex\",\"value\":\"" + hex + "\"" +
                (current ? ",\"current\":true" : "") + "}";
    }
    keys += "]";
    // The helper writes "master_key"; a ring replaces it.
    std::string config =
        plugin_config_json({database, kKeyA, fake.base_url(), fake.ca_file()}, keys);
    const std::size_t at = config.find("\"master_key\":");
    const std::size_t end = config.find('}', at) + 1;
    config.erase(at, end - at + 1);  // the member and its comma
    return config;
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
    CHECK_THAT(missing.message, Catch::Contains(rest.current));
    CHECK_THAT(host.all_logs(), Catch::Contains(rest.current));
    for (const std::string &secret : {kKeyA, kKeyB, kKeyC, std::string("ROTATEkey")}) {
        CHECK(missing.message.find(secret) == std::string::npos);
        CHECK(host.all_logs().find(secret) == std::string::npos);
        CHECK(stored_text(db).find(secret) == std::string::npos);
    }
}

TEST_CASE("re-sealing moves what it can open and names a key the ring lacks") {
    FakeWisePay fake;
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
