// The C boundary as a careless or hostile host meets it: version
// negotiation, NULLs, short structs, bad configs, refused registration; and a
// host with no callbacks, or with many threads calling at once.
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <thread>

#include "tests/integration/plugin_host.h"
#include "tests/support/plugin_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backend.h"
#include "tests/support/test_pki.h"

using namespace wisepay::test;

TEST_CASE("the entry serves ABI version 1 and refuses others") {
    const wisepay_plugin_api *api = plugin_entry()(WISEPAY_ABI_VERSION);
    REQUIRE(api != nullptr);
    CHECK(api->struct_size == sizeof(wisepay_plugin_api));
    CHECK(api->abi_version == WISEPAY_ABI_VERSION);
    CHECK(std::strcmp(api->plugin_id, "com.wisepay.deskdirector") == 0);
    CHECK(std::strlen(api->plugin_version) > 0);
    CHECK(plugin_entry()(WISEPAY_ABI_VERSION) == api);  // a static table
    CHECK(plugin_entry()(0) == nullptr);
    CHECK(plugin_entry()(2) == nullptr);
    CHECK(plugin_entry()(0xFFFFFFFFu) == nullptr);
    CHECK(api->get_extension("com.wisepay.unknown/1") == nullptr);
    CHECK(api->get_extension(nullptr) == nullptr);
}

TEST_CASE("NULL arguments and short structs give errors, never a crash") {
    const wisepay_plugin_api &api = plugin_api();
    TempDir dir;
    TestHost host;
    const std::string config = make_config(dir.file("settings.db"));
    wisepay_instance *instance = nullptr;
    wisepay_error *error = nullptr;

    CHECK(api.create(nullptr, config.data(), config.size(), &instance, &error) ==
          WISEPAY_E_INVALID_ARGUMENT);
    CHECK(instance == nullptr);
    CallResult r = take_error(WISEPAY_E_INVALID_ARGUMENT, error);
    CHECK(r.code == "invalid_host");

    CHECK(api.create(host.table(), nullptr, 0, &instance, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.create(host.table(), config.data(), config.size(), nullptr, nullptr) ==
          WISEPAY_E_INVALID_ARGUMENT);

    wisepay_host short_host = *host.table();
    short_host.struct_size = 0;
    CHECK(api.create(&short_host, config.data(), config.size(), &instance, nullptr) ==
          WISEPAY_E_INVALID_ARGUMENT);
    short_host.struct_size = offsetof(wisepay_host, register_page);
    CHECK(api.create(&short_host, config.data(), config.size(), &instance, nullptr) ==
          WISEPAY_E_INVALID_ARGUMENT);

    // A newer host's larger struct is fine: the plugin reads what it knows.
    struct {
        wisepay_host v1;
        void *added_later;
    } newer_host{*host.table(), nullptr};
    newer_host.v1.struct_size = sizeof newer_host;
    REQUIRE(api.create(&newer_host.v1, config.data(), config.size(), &instance, nullptr) ==
            WISEPAY_OK);

    char *json = reinterpret_cast<char *>(0x1);
    CHECK(api.get_settings(nullptr, "acme", &json, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(json == nullptr);
    CHECK(api.get_settings(instance, "acme", nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.get_settings(instance, nullptr, &json, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.get_page_schema(nullptr, &json, nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.get_page_schema(instance, nullptr, nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.save_settings(instance, nullptr, nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.get_stats(nullptr, &json, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.get_stats(instance, nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);

    wisepay_save_request save{};
    save.tenant_id = "acme";
    save.actor = "ann";
    save.settings_json = "{}";
    save.settings_json_len = 2;
    save.struct_size = 0;
    CHECK(api.save_settings(instance, &save, nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    save.struct_size = sizeof save;
    save.settings_json = nullptr;
    CHECK(api.save_settings(instance, &save, nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);

    wisepay_invoice_request invoice{};
    wisepay_redirect *redirect = nullptr;
    CHECK(api.open_invoice(instance, nullptr, &redirect, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.open_invoice(instance, &invoice, &redirect, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.test_connection(instance, nullptr, &json, nullptr) == WISEPAY_E_INVALID_ARGUMENT);

    api.free_string(nullptr);
    api.free_error(nullptr);
    api.free_redirect(nullptr);
    api.destroy(nullptr);
    api.destroy(instance);
}

TEST_CASE("a bad config is refused with a message that names the problem") {
    TempDir dir;
    TestHost host;
    const std::string db = dir.file("settings.db");

    CallResult r = try_create(host, "{not json");
    CHECK(r.status == WISEPAY_E_CONFIG);
    CHECK_THAT(r.message, Catch::Contains("not valid JSON"));

    r = try_create(host, make_config(db, "abc"));
    CHECK(r.status == WISEPAY_E_CONFIG);
    CHECK_THAT(r.message, Catch::Contains("64 hex digits"));

    r = try_create(host,
                   "{\"database_path\":\"" + db +
                       "\",\"master_key\":{\"source\":\"env\",\"name\":\"WISEPAY_NO_SUCH_VAR\"},"
                       "\"wisepay_base_url\":\"https://pay.example.com\"}");
    CHECK(r.status == WISEPAY_E_CONFIG);
    CHECK_THAT(r.message, Catch::Contains("WISEPAY_NO_SUCH_VAR"));

    // A database that cannot be opened: a file in a folder that does not
    // exist, or a PostgreSQL server that is not there.
    r = try_create(host, test_backend() == Backend::kSqlite
                             ? make_config(dir.file("missing-dir/settings.db"))
                             : plugin_config_json({db, std::string(64, '7'), "https://127.0.0.1:9",
                                                   "", "postgresql://postgres@127.0.0.1:1/none"}));
    CHECK(r.status == WISEPAY_E_STORAGE);
    CHECK_FALSE(r.correlation_id.empty());

    r = try_create(host, make_config(db, std::string(64, '7'), "http://pay.example.com"));
    CHECK(r.status == WISEPAY_E_CONFIG);
    CHECK_THAT(r.message, Catch::Contains("https"));

    // The config buffer is read by length, not to a NUL.
    const std::string good = make_config(db);
    const std::string padded = good + "garbage that is not part of the config";
    wisepay_instance *instance = nullptr;
    REQUIRE(plugin_api().create(host.table(), padded.data(), good.size(), &instance, nullptr) ==
            WISEPAY_OK);
    plugin_api().destroy(instance);
}

TEST_CASE("a ca_file that cannot be used is a config error that names the file") {
    TempDir dir;
    TestHost host;
    const TestCa ca;
    const std::string not_pem = write_pem(dir.file("not-a-cert.pem"), "no certificate here\n");
    const std::string key_only =
        write_pem(dir.file("key-only.pem"), ca.issue_server_cert({"localhost"}).key_pem);
    const std::string directory = dir.file("ca-dir");
    std::filesystem::create_directory(directory);
    const auto config = [&](const std::string &ca_file) {
        return plugin_config_json(
            {dir.file("settings.db"), std::string(64, '7'), "https://127.0.0.1:9", ca_file});
    };

    struct Case {
        std::string path;
        const char *reason;
    };
    for (const Case &c :
         {Case{dir.file("missing.pem"), "does not exist"}, Case{not_pem, "no PEM certificate"},
          Case{key_only, "no PEM certificate"}, Case{directory, "a directory"}}) {
        INFO(c.path);
        const CallResult r = try_create(host, config(c.path));
        CHECK(r.status == WISEPAY_E_CONFIG);
        CHECK(r.code == "invalid_ca_file");
        CHECK_THAT(r.message, Catch::Contains(c.path) && Catch::Contains(c.reason));
        CHECK_THAT(host.all_logs(), Catch::Contains(c.path));
    }

    // The same config with a CA file that holds a certificate is accepted.
    const CallResult good = try_create(host, config(write_pem(dir.file("ca.pem"), ca.cert_pem())));
    CHECK(good.ok());
}

TEST_CASE("a host that refuses the page gets no instance, and a status it knows") {
    // The host's status when it is a wisepay_status; anything else becomes
    // WISEPAY_E_INVALID_ARGUMENT rather than a value no host can name.
    const auto [returned, expected] = GENERATE(
        std::pair<int, wisepay_status>{WISEPAY_E_INVALID_ARGUMENT, WISEPAY_E_INVALID_ARGUMENT},
        std::pair<int, wisepay_status>{WISEPAY_E_STORAGE, WISEPAY_E_STORAGE},
        std::pair<int, wisepay_status>{WISEPAY_E_INTERNAL, WISEPAY_E_INTERNAL},
        std::pair<int, wisepay_status>{999, WISEPAY_E_INVALID_ARGUMENT},
        std::pair<int, wisepay_status>{-1, WISEPAY_E_INVALID_ARGUMENT});
    TempDir dir;
    TestHost host;
    host.refuse_registration(returned);
    CallResult r = try_create(host, make_config(dir.file("settings.db")));
    CHECK(r.status == expected);
    CHECK(r.code == "page_registration_refused");
    CHECK_THAT(r.message, Catch::Contains("returned " + std::to_string(returned)));
}

TEST_CASE("a host without callbacks still works") {
    TempDir dir;
    wisepay_host silent{};
    silent.struct_size = sizeof silent;
    const std::string config = make_config(dir.file("settings.db"));
    wisepay_instance *instance = nullptr;
    REQUIRE(plugin_api().create(&silent, config.data(), config.size(), &instance, nullptr) ==
            WISEPAY_OK);
    char *json = nullptr;
    CHECK(plugin_api().get_settings(instance, "acme", &json, nullptr) == WISEPAY_OK);
    plugin_api().free_string(json);
    plugin_api().destroy(instance);
}

TEST_CASE("many host threads saving and reading at once get consistent answers") {
    TempDir dir;
    TestHost host;
    PluginInstance plugin(host, make_config(dir.file("settings.db")));
    constexpr int kThreads = 8;
    constexpr int kRounds = 25;
    std::atomic<int> saved{0};
    std::atomic<int> unexpected{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kRounds; ++i) {
                CallResult read = plugin.get_settings("acme");
                if (!read.ok()) {
                    ++unexpected;
                    continue;
                }
                const auto at = read.json.find("\"version\":");
                const std::int64_t version = std::stoll(read.json.substr(at + 10));
                const std::string body =
                    (i + t) % 2 ? R"({"api_key":"wp_live_threaded_key"})" : "{}";
                CallResult r = plugin.save("acme", "thread", version, body);
                if (r.ok()) {
                    ++saved;
                } else if (r.status != WISEPAY_E_CONFLICT) {
                    ++unexpected;
                }
            }
        });
    }
    for (auto &th : threads)
        th.join();
    CHECK(unexpected == 0);
    CHECK(saved > 0);
    const std::string final_json = plugin.get_settings("acme").json;
    CHECK_THAT(final_json, Catch::Contains("\"version\":" + std::to_string(saved.load()) + ","));
}
