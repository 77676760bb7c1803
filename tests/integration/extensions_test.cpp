// The settings-view and audit extensions through dlopen, on both backends:
// typed settings and the integration's health for a C host, shared by every
// instance on one database; the audit trail a page at a time; hostile
// arguments. And the rule for who reads a message: no refusal of an invoice
// click speaks of administrators or menus.
#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <ctime>
#include <string>
#include <vector>

#include "tests/integration/plugin_host.h"
#include "tests/integration/wired_plugin.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/plugin_config.h"
#include "tests/support/temp_dir.h"

using namespace wisepay::test;
using Fault = FakeWisePay::Fault;

namespace {

const wisepay_settings_view_api &views() {
    const auto *api = static_cast<const wisepay_settings_view_api *>(
        plugin_api().get_extension(WISEPAY_EXT_SETTINGS_VIEW));
    REQUIRE(api != nullptr);
    REQUIRE(api->struct_size >= sizeof(wisepay_settings_view_api));
    return *api;
}

const wisepay_audit_api &audits() {
    const auto *api =
        static_cast<const wisepay_audit_api *>(plugin_api().get_extension(WISEPAY_EXT_AUDIT));
    REQUIRE(api != nullptr);
    REQUIRE(api->struct_size >= sizeof(wisepay_audit_api));
    return *api;
}

// The view's fields, copied out (and the view freed).
struct View {
    std::int64_t version = -1, updated_at = 0, since = 0, last_success = 0;
    bool enabled = false, key_set = false, link = false;
    std::string last4, updated_by, message;
    wisepay_health health = WISEPAY_HEALTH_OK;
};

View view_of(PluginInstance &plugin, const char *tenant) {
    wisepay_settings_view *raw = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = views().get(plugin.raw(), tenant, &raw, &error);
    const CallResult r = take_error(status, error);
    INFO(r.describe());
    REQUIRE(r.ok());
    REQUIRE(raw != nullptr);
    REQUIRE(raw->struct_size >= sizeof(wisepay_settings_view));
    View v;
    v.version = raw->version;
    v.enabled = raw->enabled == 1;
    v.key_set = raw->api_key_set == 1;
    v.last4 = raw->api_key_last4;
    v.updated_at = raw->updated_at_unix;
    v.updated_by = raw->updated_by;
    v.health = raw->health;
    v.since = raw->health_since_unix;
    v.last_success = raw->last_success_unix;
    v.message = raw->health_message;
    v.link = raw->link_available == 1;
    views().free_view(raw);
    return v;
}

struct Page {
    CallResult result;
    std::vector<wisepay_audit_entry> entries;  // strings copied below
    std::vector<std::string> actors, summaries, changes;
    std::int64_t next = 0;
};

Page audit_page(PluginInstance &plugin, const char *tenant, std::uint32_t limit,
                std::int64_t before) {
    wisepay_audit_request request = WISEPAY_AUDIT_REQUEST_INIT;
    request.tenant_id = tenant;
    request.limit = limit;
    request.before_id = before;
    wisepay_audit_page *raw = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = audits().list(plugin.raw(), &request, &raw, &error);
    Page page;
    page.result = take_error(status, error);
    if (raw != nullptr) {
        for (std::size_t i = 0; i < raw->count; ++i) {
            page.entries.push_back(raw->entries[i]);
            page.actors.emplace_back(raw->entries[i].actor);
            page.summaries.emplace_back(raw->entries[i].summary);
            page.changes.emplace_back(raw->entries[i].changes_json);
        }
        page.next = raw->next_before_id;
        audits().free_page(raw);
    }
    return page;
}

std::int64_t now_unix() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

}  // namespace

TEST_CASE("the settings view gives a C host typed fields, and a tenant that never saved") {
    WiredPlugin s;
    const View fresh = view_of(s.plugin, "globex");
    CHECK(fresh.version == 0);
    CHECK_FALSE(fresh.enabled);
    CHECK_FALSE(fresh.key_set);
    CHECK(fresh.last4.empty());
    CHECK(fresh.updated_at == 0);
    CHECK(fresh.updated_by.empty());
    CHECK(fresh.health == WISEPAY_HEALTH_OK);
    CHECK_FALSE(fresh.link);

    const View saved = view_of(s.plugin, "acme");
    CHECK(saved.version == 1);
    CHECK(saved.enabled);
    CHECK(saved.key_set);
    CHECK(saved.last4 == kKey.substr(kKey.size() - 4));
    CHECK(saved.updated_at >= now_unix() - 60);
    CHECK(saved.updated_at <= now_unix() + 1);
    CHECK(saved.updated_by == "ann");
    CHECK(saved.link);

    REQUIRE(s.plugin.save("acme", "bob", 1, R"({"enabled":false})").ok());
    CHECK_FALSE(view_of(s.plugin, "acme").link);  // links hide while Enabled is off
}

TEST_CASE("health follows the clicks, is shared by every instance, and clears") {
    WiredPlugin s;
    TestHost other_host;
    PluginInstance other(other_host,
                         plugin_config_json({s.dir.file("settings.db"), std::string(64, '3'),
                                             s.fake.base_url(), s.fake.ca_file()}));
    REQUIRE(s.plugin.open_invoice("acme", kPayer.c_str()).ok());
    const View working = view_of(other, "acme");
    CHECK(working.health == WISEPAY_HEALTH_OK);
    CHECK(working.last_success >= now_unix() - 60);

    // Unreachable: a problem only from the third click in a row.
    s.fake.set_fault(Fault::kServerError);
    for (int click = 1; click <= 3; ++click) {
        CHECK(s.plugin.open_invoice("acme", kPayer.c_str()).status == WISEPAY_E_UNAVAILABLE);
        CHECK(view_of(other, "acme").health ==
              (click < 3 ? WISEPAY_HEALTH_OK : WISEPAY_HEALTH_UNREACHABLE));
    }
    CHECK(view_of(other, "acme").link);  // Wise-Pay may be back at the next click
    s.fake.set_fault(Fault::kNone);
    REQUIRE(other.open_invoice("acme", kPayer.c_str()).ok());  // a success on the other
    CHECK(view_of(s.plugin, "acme").health == WISEPAY_HEALTH_OK);

    // A key Wise-Pay no longer accepts: the admin sees it and what to do;
    // links hide, for every instance.
    s.fake.revoke_key(kKey);
    CHECK(s.plugin.open_invoice("acme", kPayer.c_str()).status == WISEPAY_E_KEY_REJECTED);
    const View rejected = view_of(other, "acme");
    CHECK(rejected.health == WISEPAY_HEALTH_KEY_REJECTED);
    CHECK(rejected.since >= now_unix() - 60);
    CHECK_THAT(rejected.message, Catch::Contains("Configure > Merchants"));
    CHECK_FALSE(rejected.link);
    CHECK_THAT(other.get_settings("acme").json, Catch::Contains("\"state\":\"key_rejected\"") &&
                                                    Catch::Contains("\"link_available\":false"));

    // A new key clears it.
    const std::string fresh_key = "wp_live_FRESHkey_0042";
    s.fake.add_merchant(fresh_key, "Acme Payments");
    s.fake.add_payer(fresh_key, kPayer);
    REQUIRE(other.save("acme", "ann", 1, "{\"api_key\":\"" + fresh_key + "\"}").ok());
    const View cleared = view_of(s.plugin, "acme");
    CHECK(cleared.health == WISEPAY_HEALTH_OK);
    CHECK(cleared.message.empty());
    CHECK(cleared.link);

    // The Desk Director switch turned off in Wise-Pay.
    s.fake.add_merchant(fresh_key, "Acme Payments", /*integration_enabled=*/false);
    CHECK(s.plugin.open_invoice("acme", kPayer.c_str()).status == WISEPAY_E_UPSTREAM_DISABLED);
    CHECK(view_of(other, "acme").health == WISEPAY_HEALTH_UPSTREAM_DISABLED);
}

TEST_CASE("the audit trail comes a page at a time, newest first, in words and as JSON") {
    WiredPlugin s;  // version 1: the key set, Enabled on
    for (std::int64_t version = 1; version < 25; ++version) {
        REQUIRE(s.plugin
                    .save("acme", ("admin" + std::to_string(version)).c_str(), version,
                          version % 2 == 1 ? R"({"enabled":false})" : R"({"enabled":true})")
                    .ok());
    }
    const Page first = audit_page(s.plugin, "acme", 0, 0);  // 0: twenty
    INFO(first.result.describe());
    REQUIRE(first.result.ok());
    REQUIRE(first.entries.size() == 20);
    CHECK(first.entries[0].version == 25);
    CHECK(first.actors[0] == "admin24");
    CHECK(first.summaries[0] == "Enabled turned on");
    CHECK(first.summaries[1] == "Enabled turned off");
    CHECK(first.entries[0].at_unix >= now_unix() - 60);
    CHECK(first.next != 0);
    const Page second = audit_page(s.plugin, "acme", 20, first.next);
    REQUIRE(second.entries.size() == 5);
    CHECK(second.entries.back().version == 1);
    CHECK(second.summaries.back() == "Enabled turned on; API key set");
    CHECK(second.changes.back() == R"({"enabled":{"from":false,"to":true},"api_key":"set"})");
    CHECK(second.next == 0);
    for (const Page *page : {&first, &second}) {
        for (std::size_t i = 0; i < page->entries.size(); ++i) {
            CHECK(page->summaries[i].find("INVOICEkeyBODY") == std::string::npos);
            CHECK(page->changes[i].find("INVOICEkeyBODY") == std::string::npos);
        }
    }
    CHECK(audit_page(s.plugin, "globex", 5, 0).entries.empty());
}

TEST_CASE("hostile host: the extensions refuse what they cannot use") {
    WiredPlugin s;
    for (const char *junk : {"", "wisepay.audit/2", "wisepay.audit/1 ", "WISEPAY.AUDIT/1",
                             "wisepay.settings-view", "wisepay.maintenance/0"}) {
        INFO(junk);
        CHECK(plugin_api().get_extension(junk) == nullptr);
    }
    CHECK(plugin_api().get_extension(nullptr) == nullptr);

    wisepay_settings_view *view = reinterpret_cast<wisepay_settings_view *>(0x1);
    CHECK(views().get(nullptr, "acme", &view, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(view == nullptr);
    CHECK(views().get(s.plugin.raw(), "acme", nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    wisepay_error *error = nullptr;
    CHECK(views().get(s.plugin.raw(), "no tenant!", &view, &error) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(take_error(WISEPAY_E_INVALID_ARGUMENT, error).code == "invalid_tenant_id");
    views().free_view(nullptr);

    wisepay_audit_page *page = reinterpret_cast<wisepay_audit_page *>(0x1);
    CHECK(audits().list(s.plugin.raw(), nullptr, &page, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(page == nullptr);
    wisepay_audit_request request = WISEPAY_AUDIT_REQUEST_INIT;
    request.tenant_id = "acme";
    for (const std::uint32_t size :
         {0u, 4u, static_cast<std::uint32_t>(offsetof(wisepay_audit_request, before_id) + 7)}) {
        request.struct_size = size;
        CHECK(audits().list(s.plugin.raw(), &request, &page, nullptr) ==
              WISEPAY_E_INVALID_ARGUMENT);
    }
    request.struct_size = sizeof request;
    CHECK(audits().list(s.plugin.raw(), &request, nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(audit_page(s.plugin, "acme", 101, 0).result.code == "invalid_limit");
    CHECK(audit_page(s.plugin, "acme", 5, -1).result.code == "invalid_before_id");
    CHECK(audit_page(s.plugin, "", 5, 0).result.code == "invalid_tenant_id");
    audits().free_page(nullptr);
    // A newer host's larger request is read as far as this plugin knows.
    struct {
        wisepay_audit_request v1;
        char added_later[32];
    } newer{WISEPAY_AUDIT_REQUEST_INIT, {}};
    newer.v1.struct_size = sizeof newer;
    newer.v1.tenant_id = "acme";
    REQUIRE(audits().list(s.plugin.raw(), &newer.v1, &page, nullptr) == WISEPAY_OK);
    CHECK(page->count == 1);
    audits().free_page(page);
}

TEST_CASE("no refusal of an invoice click speaks to an administrator or names a menu") {
    const std::vector<std::string> admin_words = {
        "administrator", "Administrator", "Configure >", "Integrations >", "master key",
        "master_keys",   "API key again", "config",      "database_url"};
    std::vector<CallResult> refusals;
    {
        WiredPlugin s;
        refusals.push_back(s.plugin.open_invoice("acme", "not an email"));
        refusals.push_back(s.plugin.open_invoice("acme", kPayer.c_str(), ""));
        refusals.push_back(
            s.plugin.open_invoice("acme", kPayer.c_str(), "inv", nullptr, "ftp://x"));
        refusals.push_back(s.plugin.open_invoice("globex", kPayer.c_str()));  // no key
        refusals.push_back(s.plugin.open_invoice("acme", "stranger@customer.example"));
        for (const Fault fault :
             {Fault::kServerError, Fault::kUnavailable, Fault::kMalformedJson,
              Fault::kWrongPayerEmail, Fault::kForeignRedirectHost, Fault::kExpiredSession}) {
            s.fake.set_fault(fault);
            refusals.push_back(s.plugin.open_invoice("acme", kPayer.c_str()));
        }
        s.fake.set_fault(Fault::kNone);
        s.fake.add_merchant(kKey, "Acme Payments", false);
        refusals.push_back(s.plugin.open_invoice("acme", kPayer.c_str()));  // switched off
        s.fake.revoke_key(kKey);
        refusals.push_back(s.plugin.open_invoice("acme", kPayer.c_str()));  // rejected
        REQUIRE(s.plugin.save("acme", "ann", 1, R"({"enabled":false})").ok());
        refusals.push_back(s.plugin.open_invoice("acme", kPayer.c_str()));  // disabled

        // A key sealed under a master key this instance does not have.
        TestHost host;
        PluginInstance other_key(
            host, plugin_config_json({s.dir.file("settings.db"), std::string(64, '9'),
                                      s.fake.base_url(), s.fake.ca_file()}));
        REQUIRE(other_key.save("acme", "ann", 2, R"({"enabled":true})").ok());
        refusals.push_back(other_key.open_invoice("acme", kPayer.c_str()));
    }
    std::vector<std::string> codes;
    for (const CallResult &r : refusals) {
        INFO(r.describe());
        CHECK_FALSE(r.ok());
        CHECK_FALSE(r.message.empty());
        for (const std::string &word : admin_words)
            CHECK(r.message.find(word) == std::string::npos);
        codes.push_back(r.code);
    }
    // Every kind of refusal was there (so the rule was tried on each).
    for (const char *code :
         {"invalid_email", "invalid_invoice", "invalid_return_url", "no_api_key", "payer_not_found",
          "wisepay_server_error", "wisepay_unavailable", "wisepay_malformed_answer",
          "wisepay_payer_mismatch", "wisepay_untrusted_redirect", "wisepay_session_expired",
          "wisepay_integration_disabled", "api_key_rejected", "integration_disabled",
          "master_key_missing"}) {
        INFO(code);
        CHECK(std::find(codes.begin(), codes.end(), code) != codes.end());
    }
}
