// The settings page through the dlopen'ed plugin: what an admin saves is
// validated, persisted, sealed, and never shown or logged in full.
#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "tests/integration/plugin_host.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backend.h"

using namespace wisepay::test;
namespace json = boost::json;

namespace {

// A key with a distinctive body, so that any copy of it is easy to find.
const std::string kApiKey = "wp_live_Zq8xUNIQUEbody9f3kTq7Lm2";

json::object parse_object(const std::string &text) {
    INFO(text);
    return json::parse(text).as_object();
}

std::int64_t version_of(const CallResult &r) {
    return parse_object(r.json)["version"].as_int64();
}

}  // namespace

TEST_CASE("creating an instance registers the Wise-Pay page under Integrations") {
    TempDir dir;
    TestHost host;
    PluginInstance plugin(host, make_config(dir.file("settings.db")));
    const auto pages = host.registered_pages();
    REQUIRE(pages.size() == 1);
    CHECK_THAT(pages[0], Catch::StartsWith("Integrations > Wise-Pay (wisepay)\n"));

    const CallResult page = plugin.page_schema();
    REQUIRE(page.ok());
    CHECK(pages[0].substr(pages[0].find('\n') + 1) == page.json);

    auto doc = parse_object(page.json);
    auto ui = doc["ui"].as_object();
    CHECK(ui["order"].as_array() == json::array{"api_key", "enabled"});
    auto key_ui = ui["fields"].as_object()["api_key"].as_object();
    CHECK(key_ui["label"] == "API Key");
    CHECK(key_ui["widget"] == "password");
    CHECK_THAT(std::string(key_ui["help"].as_string()),
               Catch::Contains("Configure > Merchants > Integrations > Desk Director > Display"));
    CHECK(ui["fields"].as_object()["enabled"].as_object()["widget"] == "checkbox");
    CHECK(ui["actions"].as_array()[0].as_object()["label"] == "Save Settings");
    CHECK(doc["schema"].as_object()["$schema"] == "https://json-schema.org/draft/2020-12/schema");
}

TEST_CASE("a saved API key appears nowhere: not in the database files, logs, reads or audit") {
    TempDir dir;
    const std::string db = dir.file("settings.db");
    TestHost host;
    {
        PluginInstance plugin(host, make_config(db));
        const CallResult saved =
            plugin.save("acme", "ann@example.com", 0,
                        "{\"api_key\":\"  " + kApiKey + "\\n\",\"enabled\":true}");
        INFO(saved.describe());
        REQUIRE(saved.ok());
        const CallResult read = plugin.get_settings("acme");
        REQUIRE(read.ok());
        for (const std::string &shown : {saved.json, read.json}) {
            auto doc = parse_object(shown);
            CHECK(doc["enabled"].as_bool());
            CHECK(doc["api_key"].as_object()["set"].as_bool());
            CHECK(doc["api_key"].as_object()["last4"] == "7Lm2");
            CHECK(shown.find("UNIQUEbody") == std::string::npos);
        }
        // While the instance is open (on SQLite the save may still sit in
        // the WAL file).
        CHECK(stored_text(db).find("UNIQUEbody") == std::string::npos);
    }
    const std::string everything = stored_text(db);
    CHECK(everything.find("UNIQUEbody") == std::string::npos);
    CHECK(everything.find("ann@example.com") != std::string::npos);  // the audit did land
    CHECK(host.all_logs().find("saved by 'ann@example.com'") != std::string::npos);
    CHECK(host.all_logs().find("UNIQUEbody") == std::string::npos);
    for (const auto &row : audit_rows(db))
        CHECK(row.find("UNIQUEbody") == std::string::npos);
}

TEST_CASE("settings survive a restart of the instance") {
    TempDir dir;
    const std::string db = dir.file("settings.db");
    TestHost host;
    {
        PluginInstance plugin(host, make_config(db));
        REQUIRE(plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kApiKey + "\",\"enabled\":true}")
                    .ok());
    }
    PluginInstance restarted(host, make_config(db));
    auto doc = parse_object(restarted.get_settings("acme").json);
    CHECK(doc["version"].as_int64() == 1);
    CHECK(doc["enabled"].as_bool());
    CHECK(doc["api_key"].as_object()["last4"] == "7Lm2");
    CHECK(doc["updated_by"] == "ann");
}

TEST_CASE("two instances on one database file see each other's saves") {
    TempDir dir;
    const std::string db = dir.file("settings.db");
    TestHost host_a;
    TestHost host_b;
    PluginInstance a(host_a, make_config(db));
    PluginInstance b(host_b, make_config(db));
    // Both read (and cache) first, so a stale cache would show.
    CHECK(version_of(a.get_settings("acme")) == 0);
    CHECK(version_of(b.get_settings("acme")) == 0);

    REQUIRE(a.save("acme", "ann", 0, "{\"api_key\":\"" + kApiKey + "\"}").ok());
    auto seen_by_b = parse_object(b.get_settings("acme").json);
    CHECK(seen_by_b["version"].as_int64() == 1);
    CHECK(seen_by_b["api_key"].as_object()["set"].as_bool());

    REQUIRE(b.save("acme", "bob", 1, R"({"enabled":true})").ok());
    auto seen_by_a = parse_object(a.get_settings("acme").json);
    CHECK(seen_by_a["version"].as_int64() == 2);
    CHECK(seen_by_a["enabled"].as_bool());
    CHECK(seen_by_a["updated_by"] == "bob");
}

TEST_CASE("saving without a key keeps it, and clearing it is explicit") {
    TempDir dir;
    TestHost host;
    PluginInstance plugin(host, make_config(dir.file("settings.db")));
    REQUIRE(
        plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kApiKey + "\",\"enabled\":true}").ok());
    auto kept = parse_object(plugin.save("acme", "ann", 1, R"({"enabled":false})").json);
    CHECK(kept["api_key"].as_object()["set"].as_bool());
    auto cleared = parse_object(plugin.save("acme", "ann", 2, R"({"api_key":null})").json);
    CHECK_FALSE(cleared["api_key"].as_object()["set"].as_bool());
    CHECK(cleared["api_key"].as_object()["last4"].is_null());
}

TEST_CASE("every bad input gets a clear error and leaves the stored settings as they were") {
    TempDir dir;
    const std::string db = dir.file("settings.db");
    TestHost host;
    PluginInstance plugin(host, make_config(db));
    REQUIRE(plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kApiKey + "\"}").ok());
    const std::string before = plugin.get_settings("acme").json;
    const auto audit_before = audit_rows(db);

    struct Case {
        const char *what;
        const char *tenant;
        const char *actor;
        std::int64_t version;
        std::string body;
        wisepay_status status;
        std::string code;
        std::string field;  // expected field error, "" for none
    };
    const std::vector<Case> cases = {
        {"malformed JSON", "acme", "ann", 1, "{\"enabled\":tru", WISEPAY_E_INVALID_ARGUMENT,
         "malformed_json", ""},
        {"not an object", "acme", "ann", 1, "[true]", WISEPAY_E_INVALID_ARGUMENT,
         "settings_not_object", ""},
        {"unknown field", "acme", "ann", 1, R"({"enabled":true,"webhook":"x"})",
         WISEPAY_E_VALIDATION, "validation_failed", "webhook"},
        {"empty key", "acme", "ann", 1, R"({"api_key":"  "})", WISEPAY_E_VALIDATION,
         "validation_failed", "api_key"},
        {"control character", "acme", "ann", 1, R"({"api_key":"wp_live_ab\u0001cdefgh"})",
         WISEPAY_E_VALIDATION, "validation_failed", "api_key"},
        {"non-ASCII", "acme", "ann", 1, R"({"api_key":"wp_live_\u00fcberkey12"})",
         WISEPAY_E_VALIDATION, "validation_failed", "api_key"},
        {"over-long key", "acme", "ann", 1, "{\"api_key\":\"" + std::string(300, 'k') + "\"}",
         WISEPAY_E_VALIDATION, "validation_failed", "api_key"},
        {"enabled not boolean", "acme", "ann", 1, R"({"enabled":1})", WISEPAY_E_VALIDATION,
         "validation_failed", "enabled"},
        {"enabled while clearing the key", "acme", "ann", 1, R"({"api_key":null,"enabled":true})",
         WISEPAY_E_VALIDATION, "validation_failed", "enabled"},
        {"stale version", "acme", "ann", 0, R"({"enabled":true})", WISEPAY_E_CONFLICT,
         "settings_conflict", ""},
        {"future version", "acme", "ann", 7, R"({"enabled":true})", WISEPAY_E_CONFLICT,
         "settings_conflict", ""},
        {"negative version", "acme", "ann", -1, R"({"enabled":true})", WISEPAY_E_INVALID_ARGUMENT,
         "invalid_version", ""},
        {"NULL tenant", nullptr, "ann", 1, R"({"enabled":true})", WISEPAY_E_INVALID_ARGUMENT,
         "invalid_tenant_id", ""},
        {"tenant with a slash", "acme/../x", "ann", 1, R"({"enabled":true})",
         WISEPAY_E_INVALID_ARGUMENT, "invalid_tenant_id", ""},
        {"empty tenant", "", "ann", 1, R"({"enabled":true})", WISEPAY_E_INVALID_ARGUMENT,
         "invalid_tenant_id", ""},
        {"NULL actor", "acme", nullptr, 1, R"({"enabled":true})", WISEPAY_E_INVALID_ARGUMENT,
         "invalid_actor", ""},
        {"actor not UTF-8", "acme", "\xff\xfe", 1, R"({"enabled":true})",
         WISEPAY_E_INVALID_ARGUMENT, "invalid_actor", ""},
        {"huge document", "acme", "ann", 1, "{\"api_key\":\"" + std::string(10 << 20, 'k') + "\"}",
         WISEPAY_E_INVALID_ARGUMENT, "settings_too_large", ""},
    };
    for (const Case &c : cases) {
        INFO(c.what);
        const CallResult r = plugin.save(c.tenant, c.actor, c.version, c.body);
        CHECK(r.status == c.status);
        CHECK(r.code == c.code);
        CHECK_FALSE(r.message.empty());
        CHECK(r.json.empty());
        if (c.field.empty()) {
            CHECK(r.field_errors.empty());
        } else {
            REQUIRE(r.field_errors.size() == 1);
            CHECK(r.field_errors[0].first == c.field);
            CHECK_FALSE(r.field_errors[0].second.empty());
        }
        CHECK(plugin.get_settings("acme").json == before);
    }
    CHECK(audit_rows(db) == audit_before);
    // Enabled with no key at all, on a tenant that never saved, also fails.
    const CallResult fresh = plugin.save("globex", "ann", 0, R"({"enabled":true})");
    REQUIRE(fresh.field_errors.size() == 1);
    CHECK(fresh.field_errors[0].first == "enabled");
    CHECK(version_of(plugin.get_settings("globex")) == 0);
}

TEST_CASE("a save against a stale version is a conflict that names who saved first") {
    TempDir dir;
    TestHost host;
    PluginInstance plugin(host, make_config(dir.file("settings.db")));
    REQUIRE(plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kApiKey + "\"}").ok());
    // Two admins load version 1; the first save wins.
    REQUIRE(plugin.save("acme", "first@example.com", 1, R"({"enabled":true})").ok());
    const CallResult second = plugin.save("acme", "second@example.com", 1, R"({"enabled":false})");
    CHECK(second.status == WISEPAY_E_CONFLICT);
    CHECK_THAT(second.message, Catch::Contains("first@example.com"));
    CHECK(parse_object(plugin.get_settings("acme").json)["enabled"].as_bool());
}

TEST_CASE("tenants are kept apart") {
    TempDir dir;
    TestHost host;
    PluginInstance plugin(host, make_config(dir.file("settings.db")));
    REQUIRE(
        plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kApiKey + "\",\"enabled\":true}").ok());
    auto other = parse_object(plugin.get_settings("globex").json);
    CHECK(other["version"].as_int64() == 0);
    CHECK_FALSE(other["enabled"].as_bool());
    CHECK_FALSE(other["api_key"].as_object()["set"].as_bool());
    CHECK(other["updated_at"].is_null());
}

TEST_CASE("the database file is created readable by its owner only", "[sqlite]") {
    TempDir dir;
    const std::string db = dir.file("settings.db");
    TestHost host;
    PluginInstance plugin(host, make_config(db));
    REQUIRE(plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kApiKey + "\"}").ok());
    for (const std::string &path : {db, db + "-wal", db + "-shm"}) {
        INFO(path);
        struct stat info {};
        REQUIRE(::stat(path.c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);
    }
}

TEST_CASE("stats count calls by outcome") {
    TempDir dir;
    TestHost host;
    PluginInstance plugin(host, make_config(dir.file("settings.db")));
    plugin.get_settings("acme");
    plugin.get_settings("acme");
    plugin.save("acme", "ann", 0, R"({"enabled":true})");
    auto doc = parse_object(plugin.stats().json);
    auto calls = doc["calls"].as_object();
    CHECK(calls["get_settings"].as_object()["ok"].to_number<int>() == 2);
    // create() is counted as itself, not as a read.
    CHECK(calls["create"].as_object()["ok"].to_number<int>() == 1);
    CHECK(calls["save_settings"].as_object()["validation_failed"].to_number<int>() == 1);
    CHECK(doc["latency_us"].as_object()["get_settings"].as_object()["count"].to_number<int>() == 2);
}
