// SettingsService on a real SQLite file, with the fake Wise-Pay (TLS on
// loopback) checking new keys: sealing and the public view, audit entries,
// conflicts, saves made through another store on the same file, readers on
// six threads during saves, and the warnings a save with a new key can bring.
#include <catch2/catch.hpp>

#include <atomic>
#include <boost/json.hpp>
#include <cstring>
#include <thread>
#include <vector>

#include "plugin/settings/settings_service.h"
#include "plugin/util/error.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/temp_dir.h"

using namespace wisepay;
using test::TempDir;

namespace {

KeyRing test_ring() {
    SecretBytes bytes(MasterKey::kSize);
    std::memset(bytes.data(), 0x5a, bytes.size());
    std::vector<MasterKey> keys;
    keys.emplace_back(std::move(bytes));
    return KeyRing(std::move(keys), 0);
}

// Wise-Pay as the fake answers it: the keys of the tests are its merchants'.
WisePayOptions fake_wisepay_options(const test::FakeWisePay &fake) {
    WisePayOptions options;
    options.base = *parse_url(fake.base_url());
    options.portal = options.base;
    options.base.target.clear();  // paths are appended to it, as the config keeps it
    options.ca_file = fake.ca_file();
    return options;
}

struct Fixture {
    Fixture() {
        for (const char *key :
             {"wp_live_SECRET_abcd1234", "wp_live_other_99998888", "wp_live_threaded_key"}) {
            fake.add_merchant(key, "Acme Payments");
        }
    }
    test::FakeWisePay fake;
    TempDir dir;
    KeyRing key = test_ring();
    Logger log;
    WisePayApi wisepay{fake_wisepay_options(fake), log};
    storage::SqliteStore store{dir.file("settings.db")};
    SettingsService service{store, key, wisepay, log, std::chrono::seconds(10)};

    std::shared_ptr<const storage::SettingsRecord> save(std::int64_t version,
                                                        std::string_view json) {
        return service.save(SaveCommand{"acme", "ann@example.com", version, json}).record;
    }
};

Error error_of(const std::function<void()> &f) {
    try {
        f();
    } catch (const Error &e) {
        return e;
    }
    FAIL("no error");
    return Error(WISEPAY_OK, "", "");
}

}  // namespace

TEST_CASE(
    "saving a key seals it, and the public view shows only that it is set and its last four") {
    Fixture f;
    auto saved = f.save(0, R"({"api_key":" wp_live_SECRET_abcd1234 ","enabled":true})");
    REQUIRE(saved->api_key);
    CHECK(saved->api_key->last4 == "1234");
    CHECK(open_sealed(f.key, "acme", saved->api_key->blob, saved->api_key->key_id).view() ==
          "wp_live_SECRET_abcd1234");
    const std::string shown = SettingsService::to_public_json(*saved);
    CHECK(shown.find("SECRET") == std::string::npos);
    auto doc = boost::json::parse(shown).as_object();
    CHECK(doc["api_key"].as_object()["set"].as_bool());
    CHECK(doc["api_key"].as_object()["last4"].as_string() == "1234");
    CHECK(doc["version"].as_int64() == 1);
    CHECK(doc["enabled"].as_bool());
}

TEST_CASE(
    "saving without a key keeps it, null removes it, and the audit names changes, not the key") {
    Fixture f;
    f.save(0, R"({"api_key":"wp_live_SECRET_abcd1234"})");
    auto kept = f.save(1, R"({"enabled":true})");
    CHECK(kept->api_key);
    CHECK(kept->enabled);
    auto removed = f.save(2, R"({"api_key":null,"enabled":false})");
    CHECK_FALSE(removed->api_key);

    auto trail = f.store.audit_trail("acme", 10, 0,
                                     std::chrono::steady_clock::now() + std::chrono::seconds(10));
    REQUIRE(trail.size() == 3);
    CHECK(trail[2].changes_json == R"({"api_key":"set"})");
    CHECK(trail[1].changes_json == R"({"enabled":{"from":false,"to":true}})");
    CHECK(trail[0].changes_json == R"({"enabled":{"from":true,"to":false},"api_key":"removed"})");
    for (const auto &row : trail)
        CHECK(row.changes_json.find("SECRET") == std::string::npos);
}

TEST_CASE("Enabled without a key is a field error and nothing is written") {
    Fixture f;
    Error e = error_of([&] { f.save(0, R"({"enabled":true})"); });
    CHECK(e.status() == WISEPAY_E_VALIDATION);
    REQUIRE(e.field_errors().size() == 1);
    CHECK(e.field_errors()[0].field == "enabled");
    CHECK(f.service.current("acme")->version == 0);

    f.save(0, R"({"api_key":"wp_live_SECRET_abcd1234","enabled":true})");
    Error removing = error_of([&] { f.save(1, R"({"api_key":null})"); });
    CHECK(removing.field_errors()[0].field == "enabled");
    CHECK(f.service.current("acme")->api_key);
}

TEST_CASE("a stale version is a conflict that names who saved") {
    Fixture f;
    f.save(0, R"({"api_key":"wp_live_SECRET_abcd1234"})");
    Error e = error_of([&] { f.save(0, R"({"enabled":true})"); });
    CHECK(e.status() == WISEPAY_E_CONFLICT);
    CHECK_THAT(e.message(), Catch::Contains("ann@example.com"));
    CHECK_FALSE(f.service.current("acme")->enabled);
    CHECK(error_of([&] { f.save(-1, "{}"); }).status() == WISEPAY_E_INVALID_ARGUMENT);

    Fixture fresh;
    Error never_saved = error_of([&] { fresh.save(3, R"({"enabled":false})"); });
    CHECK(never_saved.status() == WISEPAY_E_CONFLICT);
    CHECK_THAT(never_saved.message(), Catch::Contains("nothing is saved"));
}

TEST_CASE("the cache sees saves made through another connection") {
    Fixture f;
    CHECK(f.service.current("acme")->version == 0);
    storage::SqliteStore other_store(f.dir.file("settings.db"));
    SettingsService other(other_store, f.key, f.wisepay, f.log, std::chrono::seconds(10));
    other.save(SaveCommand{"acme", "bob", 0, R"({"api_key":"wp_live_other_99998888"})"});
    auto seen = f.service.current("acme");
    CHECK(seen->version == 1);
    CHECK(seen->api_key->last4 == "8888");
    // And the same row is served from cache while nothing changes.
    CHECK(f.service.current("acme") == seen);
}

TEST_CASE("after a save, this service and another on the same file both serve the new row") {
    Fixture f;
    storage::SqliteStore other_store(f.dir.file("settings.db"));
    SettingsService other(other_store, f.key, f.wisepay, f.log, std::chrono::seconds(10));
    CHECK(other.current("acme")->version == 0);
    f.save(0, R"({"api_key":"wp_live_SECRET_abcd1234"})");
    CHECK(f.service.current("acme")->version == 1);
    CHECK(other.current("acme")->version == 1);
    other.save(SaveCommand{"acme", "bob", 1, R"({"enabled":true})"});
    CHECK(f.service.current("acme")->enabled);
    CHECK(other.current("acme")->enabled);
}

TEST_CASE("readers on many threads never see a row older than a save that finished first") {
    Fixture f;
    storage::SqliteStore writer_store(f.dir.file("settings.db"));
    SettingsService writer(writer_store, f.key, f.wisepay, f.log, std::chrono::seconds(10));
    constexpr int kSaves = 60;
    std::atomic<std::int64_t> finished{0};  // the newest version whose save returned
    std::atomic<int> stale{0};
    std::atomic<bool> done{false};

    std::vector<std::thread> readers;
    for (int i = 0; i < 6; ++i) {
        readers.emplace_back([&, i] {
            const std::string tenant = i % 2 == 0 ? "acme" : "globex";
            while (!done) {
                const std::int64_t before = finished.load();
                const auto row = f.service.current("acme");
                if (row->version < before)
                    ++stale;
                f.service.current(tenant);  // a second tenant keeps the cache busy
            }
        });
    }
    for (int v = 0; v < kSaves; ++v) {
        writer.save(SaveCommand{"acme", "bob", v, v % 2 == 0 ? R"({"enabled":false})" : "{}"});
        finished = v + 1;
        // Saves interleaved with this service's own, which update its cache.
        if (v % 10 == 9) {
            f.save(++v, "{}");
            finished = v + 1;
        }
    }
    done = true;
    for (auto &t : readers)
        t.join();
    CHECK(stale == 0);
    CHECK(f.service.current("acme")->version == finished.load());
}

TEST_CASE("a new key is checked with Wise-Pay before it is written") {
    Fixture f;
    f.fake.add_merchant("wp_live_switched_off_7777", "Dormant Ltd", /*integration_enabled=*/false);

    // A key Wise-Pay rejects: a field error on api_key, nothing written.
    const Error rejected =
        error_of([&] { f.save(0, R"({"api_key":"wp_live_unknown_to_wisepay","enabled":true})"); });
    CHECK(rejected.status() == WISEPAY_E_VALIDATION);
    REQUIRE(rejected.field_errors().size() == 1);
    CHECK(rejected.field_errors()[0].field == "api_key");
    CHECK_THAT(rejected.field_errors()[0].message, Catch::Contains("does not accept this key"));
    CHECK(f.service.current("acme")->version == 0);

    // A key whose Desk Director switch is off: saved, with a warning.
    SaveResult dormant =
        f.service.save(SaveCommand{"acme", "ann", 0, R"({"api_key":"wp_live_switched_off_7777"})"});
    CHECK(dormant.record->version == 1);
    REQUIRE(dormant.warnings.size() == 1);
    CHECK_THAT(dormant.warnings[0],
               Catch::Contains("Dormant Ltd") && Catch::Contains("switched off"));

    // Wise-Pay unreachable: saved, with a warning; the admin is not stuck.
    f.fake.set_fault(test::FakeWisePay::Fault::kServerError);
    SaveResult unchecked =
        f.service.save(SaveCommand{"acme", "ann", 1, R"({"api_key":"wp_live_SECRET_abcd1234"})"});
    CHECK(unchecked.record->version == 2);
    REQUIRE(unchecked.warnings.size() == 1);
    CHECK_THAT(unchecked.warnings[0], Catch::Contains("saved unchecked"));
    CHECK_THAT(SettingsService::to_public_json(*unchecked.record, unchecked.warnings),
               Catch::Contains("\"warnings\":[\""));

    // Saves that bring no key ask Wise-Pay nothing.
    f.fake.set_fault(test::FakeWisePay::Fault::kNone);
    const std::size_t asked = f.fake.requests_received();
    CHECK(f.service.save(SaveCommand{"acme", "ann", 2, R"({"enabled":true})"}).warnings.empty());
    CHECK(f.fake.requests_received() == asked);
    // A stale page is a conflict before Wise-Pay is asked.
    CHECK(error_of([&] { f.save(0, R"({"api_key":"wp_live_SECRET_abcd1234"})"); }).status() ==
          WISEPAY_E_CONFLICT);
    CHECK(f.fake.requests_received() == asked);
}
