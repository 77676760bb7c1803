// The promises of storage/settings_store.h, checked on both backends by the
// same cases: SQLite on a file, PostgreSQL on a server this test started.
// Each case runs once per backend (Catch2 GENERATE); a failure names it.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/database.h"
#include "tests/storage/test_database.h"

using namespace wisepay::storage;
using namespace wisepay::test;

namespace {

SavePlanner enable(bool on, std::string changes = "{}") {
    return [on, changes](const SettingsRecord &current) {
        PlannedSave p{current, changes};
        p.next.enabled = on;
        return p;
    };
}

Backend any_backend() {
    return GENERATE(Backend::kSqlite, Backend::kPostgres);
}

}  // namespace

TEST_CASE("a tenant that never saved reads as version 0, disabled, without key") {
    TestDatabase db(any_backend());
    INFO(db.name());
    auto store = db.open();
    auto r = store->load("acme", soon());
    CHECK(r->tenant_id == "acme");
    CHECK(r->version == 0);
    CHECK_FALSE(r->enabled);
    CHECK_FALSE(r->api_key);
}

TEST_CASE("saves bump the version, write an audit row, and survive reopening") {
    TestDatabase db(any_backend());
    INFO(db.name());
    {
        auto store = db.open();
        SettingsRecord first = store->save(
            "acme", "ann@example.com", 0,
            [](const SettingsRecord &c) {
                PlannedSave p{c, R"({"api_key":"set"})"};
                p.next.api_key = SealedKey{{1, 2, 0, 255}, "kid", "WXYZ"};
                p.next.enabled = true;
                return p;
            },
            soon());
        CHECK(first.version == 1);
        CHECK(first.updated_by == "ann@example.com");
        CHECK(store->save("acme", "bob@example.com", 1, enable(false), soon()).version == 2);
    }
    auto reopened = db.open();
    auto r = reopened->load("acme", soon());
    CHECK(r->version == 2);
    CHECK_FALSE(r->enabled);
    REQUIRE(r->api_key);
    CHECK(r->api_key->blob == std::vector<unsigned char>{1, 2, 0, 255});
    CHECK(r->api_key->key_id == "kid");
    CHECK(r->api_key->last4 == "WXYZ");
    CHECK(r->updated_by == "bob@example.com");
    CHECK(r->updated_at.size() == 24);

    auto trail = reopened->audit_trail("acme", 10, 0, soon());
    REQUIRE(trail.size() == 2);
    CHECK(trail[0].version == 2);
    CHECK(trail[0].actor == "bob@example.com");
    CHECK(trail[1].changes_json == R"({"api_key":"set"})");
    CHECK(trail[0].id > trail[1].id);
    CHECK(reopened->load("globex", soon())->version == 0);  // tenants are separate
    // From outside, with the database's own tool.
    CHECK(db.outside("SELECT version, updated_by FROM " + db.table("settings")) ==
          "2|bob@example.com\n");
    CHECK(db.outside("SELECT count(*) FROM " + db.table("audit")) == "2\n");
}

TEST_CASE("a save against a stale version is a conflict and writes nothing") {
    TestDatabase db(any_backend());
    INFO(db.name());
    auto store = db.open();
    store->save("acme", "ann", 0, enable(true), soon());
    for (const std::int64_t stale : {0, 2, 7}) {
        try {
            store->save("acme", "bob", stale, enable(false), soon());
            FAIL("a save from version " << stale << " was accepted");
        } catch (const ConflictError &e) {
            CHECK(e.current().version == 1);
            CHECK(e.current().updated_by == "ann");
        }
    }
    CHECK(store->load("acme", soon())->enabled);
    CHECK(store->audit_trail("acme", 10, 0, soon()).size() == 1);
}

TEST_CASE("a planner that throws abandons the save, and the store stays usable") {
    TestDatabase db(any_backend());
    INFO(db.name());
    auto store = db.open();
    CHECK_THROWS_AS(
        store->save(
            "acme", "ann", 0,
            [](const SettingsRecord &) -> PlannedSave { throw std::runtime_error("invalid"); },
            soon()),
        std::runtime_error);
    CHECK(store->load("acme", soon())->version == 0);
    CHECK(store->audit_trail("acme", 10, 0, soon()).empty());
    CHECK(store->save("acme", "ann", 0, enable(true), soon()).version == 1);
}

TEST_CASE("a save through one instance is seen by the next read of another") {
    TestDatabase db(any_backend());
    INFO(db.name());
    auto a = db.open();
    auto b = db.open();
    CHECK(b->load("acme", soon())->version == 0);  // read (and cached) before the save
    for (int version = 1; version <= 5; ++version) {
        a->save("acme", "a", version - 1, enable(version % 2 == 1), soon());
        const auto seen = b->load("acme", soon());
        CHECK(seen->version == version);
        CHECK(seen->enabled == (version % 2 == 1));
    }
    // A change from outside, with the database's own tool.
    db.outside("UPDATE " + db.table("settings") + " SET enabled = " +
               (db.backend() == Backend::kSqlite ? "0" : "false") + ", version = 6");
    CHECK(a->load("acme", soon())->version == 6);
    CHECK_FALSE(b->load("acme", soon())->enabled);
}

TEST_CASE("saves racing from the same versions on two instances: one winner per version") {
    TestDatabase db(any_backend());
    INFO(db.name());
    auto a = db.open();
    auto b = db.open();
    constexpr int kThreads = 8;
    constexpr int kRounds = 15;
    std::mutex mutex;
    std::map<std::int64_t, int> winners;  // version written -> saves that wrote it
    std::atomic<int> conflicts{0};
    std::atomic<int> unexpected{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            SettingsStore &store = t % 2 == 0 ? *a : *b;
            std::string actor("t");  // (appended: GCC 12 warns falsely on "t" + ...)
            actor += std::to_string(t);
            for (int i = 0; i < kRounds; ++i) {
                try {
                    const std::int64_t from = store.load("acme", soon())->version;
                    const SettingsRecord written =
                        store.save("acme", actor, from, enable(i % 2 == 0), soon());
                    std::lock_guard lock(mutex);
                    ++winners[written.version];
                } catch (const ConflictError &) {
                    ++conflicts;
                } catch (const std::exception &) {
                    ++unexpected;
                }
            }
        });
    }
    for (auto &thread : threads)
        thread.join();
    CHECK(unexpected == 0);
    CHECK(conflicts > 0);
    // Versions 1..n, each written by exactly one save, and one audit row each.
    const int saved = static_cast<int>(winners.size());
    for (const auto &[version, count] : winners)
        CHECK(count == 1);
    CHECK(winners.rbegin()->first == saved);
    CHECK(a->load("acme", soon())->version == saved);
    CHECK(a->audit_trail("acme", 1000, 0, soon()).size() == static_cast<std::size_t>(saved));
}

TEST_CASE("the audit trail comes newest first, a page at a time") {
    TestDatabase db(any_backend());
    INFO(db.name());
    auto store = db.open();
    for (int version = 1; version <= 7; ++version)
        store->save("acme", "ann", version - 1, enable(version % 2 == 1), soon());
    store->save("globex", "gus", 0, enable(true), soon());

    std::vector<std::int64_t> versions;
    std::int64_t before = 0;
    for (;;) {
        auto page = store->audit_trail("acme", 3, before, soon());
        if (page.empty())
            break;
        CHECK(page.size() <= 3);
        for (const AuditRecord &row : page) {
            CHECK(row.tenant_id == "acme");
            versions.push_back(row.version);
        }
        before = page.back().id;
    }
    CHECK(versions == std::vector<std::int64_t>{7, 6, 5, 4, 3, 2, 1});
}

TEST_CASE("everything is copied to an empty database as it is, and never over a tenant") {
    TestDatabase from(any_backend());
    TestDatabase to(GENERATE(Backend::kSqlite, Backend::kPostgres));
    INFO(from.name() << " to " << to.name());
    auto source = from.open();
    source->save(
        "acme", "ann", 0,
        [](const SettingsRecord &c) {
            PlannedSave p{c, R"({"api_key":"set"})"};
            p.next.api_key = SealedKey{{9, 8, 7}, "kid1", "abcd"};
            return p;
        },
        soon());
    source->save("acme", "bob", 1, enable(true), soon());
    source->save("globex", "gus", 0, enable(false), soon());

    auto target = to.open();
    target->import(source->all_settings(soon()), source->all_audit(soon()), soon());
    const auto acme = target->load("acme", soon());
    CHECK(acme->version == 2);
    CHECK(acme->enabled);
    REQUIRE(acme->api_key);
    CHECK(acme->api_key->blob == std::vector<unsigned char>{9, 8, 7});
    CHECK(acme->updated_at == source->load("acme", soon())->updated_at);
    const auto trail = target->audit_trail("acme", 10, 0, soon());
    REQUIRE(trail.size() == 2);
    CHECK(trail[0].actor == "bob");
    CHECK(trail[1].changes_json == R"({"api_key":"set"})");

    // A second copy finds the tenants there and writes nothing.
    target->save("acme", "carol", 2, enable(false), soon());
    CHECK_THROWS_AS(target->import(source->all_settings(soon()), source->all_audit(soon()), soon()),
                    TenantExistsError);
    CHECK(target->load("acme", soon())->version == 3);
    CHECK(target->all_audit(soon()).size() == 4);
}

TEST_CASE("a database written by a newer plugin is refused, not changed") {
    TestDatabase db(any_backend());
    INFO(db.name());
    db.open();
    const std::string bump = db.backend() == Backend::kSqlite
                                 ? "PRAGMA user_version = 99"
                                 : "INSERT INTO wisepay.schema_migrations (version) VALUES (99)";
    db.outside(bump);
    CHECK_THROWS_WITH(db.open(), Catch::Contains("schema version 99"));
    const std::string version = db.backend() == Backend::kSqlite
                                    ? "PRAGMA user_version"
                                    : "SELECT max(version) FROM wisepay.schema_migrations";
    CHECK(db.outside(version) == "99\n");
}

TEST_CASE("instances opening an empty database at the same moment migrate it once") {
    TestDatabase db(any_backend());
    INFO(db.name());
    constexpr int kInstances = 8;
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<SettingsStore>> stores(kInstances);
    for (int i = 0; i < kInstances; ++i) {
        threads.emplace_back([&, i] {
            try {
                stores[i] = db.open();
            } catch (const std::exception &e) {
                UNSCOPED_INFO(e.what());
                ++failed;
            }
        });
    }
    for (auto &thread : threads)
        thread.join();
    CHECK(failed == 0);
    if (db.backend() == Backend::kSqlite) {
        CHECK(db.outside("PRAGMA user_version") == std::to_string(current_schema_version()) + "\n");
    } else {
        // One row per migration: a second run of one would break its key.
        std::string all;
        for (int v = 1; v <= PostgresStore::current_schema_version(); ++v) {
            if (v > 1)
                all += ',';
            all += std::to_string(v);
        }
        CHECK(db.outside("SELECT string_agg(version::text, ',' ORDER BY version) FROM "
                         "wisepay.schema_migrations") == all + "\n");
    }
    stores[0]->save("acme", "ann", 0, enable(true), soon());
    CHECK(stores[kInstances - 1]->load("acme", soon())->version == 1);
}

TEST_CASE("a sealed key is replaced only while the row is as it was read") {
    TestDatabase db(any_backend());
    INFO(db.name());
    auto store = db.open();
    store->save(
        "acme", "ann", 0,
        [](const SettingsRecord &c) {
            PlannedSave p{c, R"({"api_key":"set"})"};
            p.next.api_key = SealedKey{{1, 1, 1}, "old-key", "abcd"};
            p.next.enabled = true;
            return p;
        },
        soon());
    const SealedKey moved{{2, 2, 2, 2}, "new-key", "abcd"};

    // The version or the key id it was read with no longer match: nothing.
    CHECK_FALSE(store->replace_sealed_key("acme", 2, "old-key", moved, "ops", "{}", soon()));
    CHECK_FALSE(store->replace_sealed_key("acme", 1, "other-key", moved, "ops", "{}", soon()));
    CHECK_FALSE(store->replace_sealed_key("globex", 0, "old-key", moved, "ops", "{}", soon()));
    CHECK(store->audit_trail("acme", 10, 0, soon()).size() == 1);

    CHECK(store->replace_sealed_key("acme", 1, "old-key", moved, "ops",
                                    R"({"api_key":"re-sealed"})", soon()));
    auto other = db.open();  // another instance sees it at once
    const auto row = other->load("acme", soon());
    CHECK(row->version == 1);  // the settings mean the same
    CHECK(row->enabled);
    REQUIRE(row->api_key);
    CHECK(row->api_key->blob == moved.blob);
    CHECK(row->api_key->key_id == "new-key");
    const auto trail = other->audit_trail("acme", 10, 0, soon());
    REQUIRE(trail.size() == 2);
    CHECK(trail[0].actor == "ops");
    CHECK(trail[0].changes_json == R"({"api_key":"re-sealed"})");
    // Done once: the row no longer has the old key.
    CHECK_FALSE(store->replace_sealed_key("acme", 1, "old-key", moved, "ops", "{}", soon()));
}

TEST_CASE("what clicks find is kept with the row, shared, and never moves the version") {
    TestDatabase db(any_backend());
    INFO(db.name());
    auto store = db.open();
    auto other = db.open();
    store->save("acme", "ann", 0, enable(true), soon());
    auto health = [&] { return other->load("acme", soon())->health; };

    // Unreachable twice is not a problem yet; the third time it is.
    store->record_click("acme", ClickOutcome::kUnreachable, "2026-11-29T10:00:00.000Z", 3, soon());
    store->record_click("acme", ClickOutcome::kUnreachable, "2026-11-29T10:00:01.000Z", 3, soon());
    CHECK(health().problem.empty());
    CHECK(health().failures == 2);
    store->record_click("acme", ClickOutcome::kUnreachable, "2026-11-29T10:00:02.000Z", 3, soon());
    CHECK(health().problem == "unreachable");
    CHECK(health().since == "2026-11-29T10:00:02.000Z");

    // A rejected key takes over; seen again, it keeps its start.
    store->record_click("acme", ClickOutcome::kKeyRejected, "2026-11-29T10:01:00.000Z", 3, soon());
    store->record_click("acme", ClickOutcome::kKeyRejected, "2026-11-29T10:02:00.000Z", 3, soon());
    CHECK(health().problem == "key_rejected");
    CHECK(health().since == "2026-11-29T10:01:00.000Z");
    CHECK(health().failures == 0);
    // An unreachable click does not hide it.
    store->record_click("acme", ClickOutcome::kUnreachable, "2026-11-29T10:03:00.000Z", 1, soon());
    CHECK(health().problem == "key_rejected");

    // A success clears it all and stamps the time.
    store->record_click("acme", ClickOutcome::kSucceeded, "2026-11-29T10:04:00.000Z", 3, soon());
    CHECK(health().problem.empty());
    CHECK(health().since.empty());
    CHECK(health().failures == 0);
    CHECK(health().last_success == "2026-11-29T10:04:00.000Z");

    // None of it was a save.
    CHECK(other->load("acme", soon())->version == 1);
    CHECK(other->audit_trail("acme", 10, 0, soon()).size() == 1);
    store->record_click("globex", ClickOutcome::kKeyRejected, "2026-11-29T10:05:00.000Z", 3,
                        soon());
    CHECK(other->load("globex", soon())->version == 0);

    // A save keeps what clicks found, unless it brings a new key.
    store->record_click("acme", ClickOutcome::kUpstreamDisabled, "2026-11-29T10:06:00.000Z", 3,
                        soon());
    store->save("acme", "ann", 1, enable(false), soon());
    CHECK(health().problem == "upstream_disabled");
    store->save(
        "acme", "ann", 2,
        [](const SettingsRecord &c) {
            PlannedSave p{c, R"({"api_key":"replaced"})"};
            p.next.api_key = SealedKey{{3, 3}, "kid", "wxyz"};
            p.reset_health = true;
            return p;
        },
        soon());
    CHECK(health().problem.empty());
    CHECK(health().last_success == "2026-11-29T10:04:00.000Z");  // what it was
}
