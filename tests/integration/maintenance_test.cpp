// The maintenance extension through dlopen: moving a single-node SQLite
// deployment into the database under test (a PostgreSQL one in the
// integration-postgres run), all or nothing.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/integration/plugin_host.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/plugin_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backend.h"

using namespace wisepay::test;
namespace json = boost::json;

namespace {

const std::string kMasterKey(64, '5');
const std::vector<std::string> kTenants = {"acme", "globex", "initech"};

const wisepay_maintenance_api &maintenance() {
    const auto *m = static_cast<const wisepay_maintenance_api *>(
        plugin_api().get_extension(WISEPAY_EXT_MAINTENANCE));
    REQUIRE(m != nullptr);
    REQUIRE(m->struct_size >= sizeof(wisepay_maintenance_api));
    return *m;
}

struct Copied {
    CallResult result;
    std::uint64_t tenants = 0, audit_rows = 0;
};

Copied copy_from(PluginInstance &plugin, const std::string &sqlite_path) {
    wisepay_copy_request request = WISEPAY_COPY_REQUEST_INIT;
    request.sqlite_path = sqlite_path.c_str();
    wisepay_copy_report *report = nullptr;
    wisepay_error *error = nullptr;
    Copied copied;
    const wisepay_status status =
        maintenance().copy_from_sqlite(plugin.raw(), &request, &report, &error);
    copied.result = take_error(status, error);
    if (report != nullptr) {
        copied.tenants = report->tenants;
        copied.audit_rows = report->audit_rows;
        maintenance().free_copy_report(report);
    }
    return copied;
}

std::int64_t version_of(const CallResult &settings) {
    INFO(settings.describe());
    REQUIRE(settings.ok());
    return json::parse(settings.json).as_object().at("version").as_int64();
}

std::string key_of(const std::string &tenant) {
    return "wp_live_" + tenant + "_MOVEkey_0001";
}

// A single-node deployment: three tenants with keys, Enabled, one saved twice.
void make_single_node(const FakeWisePay &fake, const std::string &path, TestHost &host) {
    PluginInstance old(host, plugin_config_json({path, kMasterKey, fake.base_url(), fake.ca_file(),
                                                 "", /*on_sqlite=*/true}));
    for (const std::string &tenant : kTenants) {
        REQUIRE(old.save(tenant.c_str(), "ann", 0,
                         "{\"api_key\":\"" + key_of(tenant) + "\",\"enabled\":true}")
                    .ok());
    }
    REQUIRE(old.save("acme", "bob", 1, R"({"enabled":false})").ok());
    REQUIRE(old.save("acme", "bob", 2, R"({"enabled":true})").ok());
}

}  // namespace

TEST_CASE("tenants move from a single-node SQLite file with keys, versions and audit kept") {
    FakeWisePay fake;
    for (const std::string &tenant : kTenants) {
        fake.add_merchant(key_of(tenant), tenant + " Payments");
        fake.add_payer(key_of(tenant), "pat@customer.example");
    }
    TempDir dir;
    TestHost host;
    const std::string old_path = dir.file("single-node.db");
    make_single_node(fake, old_path, host);

    const std::string target = dir.file("fleet.db");  // PostgreSQL in that run
    PluginInstance fleet(host,
                         plugin_config_json({target, kMasterKey, fake.base_url(), fake.ca_file()}));
    const Copied copied = copy_from(fleet, old_path);
    INFO(copied.result.describe());
    REQUIRE(copied.result.ok());
    CHECK(copied.tenants == 3);
    CHECK(copied.audit_rows == 5);

    // Versions kept; keys still open: a click works for every tenant.
    CHECK(version_of(fleet.get_settings("acme")) == 3);
    CHECK(version_of(fleet.get_settings("globex")) == 1);
    for (const std::string &tenant : kTenants) {
        const CallResult clicked = fleet.open_invoice(tenant.c_str(), "pat@customer.example");
        INFO(tenant << ": " << clicked.describe());
        CHECK(clicked.ok());
    }
    const auto trail = audit_rows(target);
    REQUIRE(trail.size() == 5);
    CHECK(trail[3].rfind("acme|bob|2|", 0) == 0);  // the order of the trail is kept

    // A second run finds the tenants there: refused, nothing written.
    const Copied again = copy_from(fleet, old_path);
    CHECK(again.result.status == WISEPAY_E_CONFLICT);
    CHECK(again.result.code == "tenant_exists");
    CHECK(audit_rows(target).size() == 5);
    CHECK(version_of(fleet.get_settings("acme")) == 3);
}

TEST_CASE("a move refuses keys the target cannot open, and paths that hold no database") {
    FakeWisePay fake;
    for (const std::string &tenant : kTenants)
        fake.add_merchant(key_of(tenant), tenant + " Payments");
    TempDir dir;
    TestHost host;
    const std::string old_path = dir.file("single-node.db");
    make_single_node(fake, old_path, host);

    // Another master key: the keys would not open on the target.
    PluginInstance other(host, plugin_config_json({dir.file("fleet.db"), std::string(64, '6'),
                                                   fake.base_url(), fake.ca_file()}));
    const Copied refused = copy_from(other, old_path);
    CHECK(refused.result.status == WISEPAY_E_CRYPTO);
    CHECK_THAT(refused.result.message, Catch::Contains("Nothing was copied"));
    CHECK(version_of(other.get_settings("acme")) == 0);
    CHECK(audit_rows(dir.file("fleet.db")).empty());

    const Copied missing = copy_from(other, dir.file("no-such.db"));
    CHECK(missing.result.status == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(missing.result.code == "invalid_sqlite_path");
    // And the path was not created on the way.
    CHECK(read_file(dir.file("no-such.db")).empty());
}
