// A hostile (or merely buggy) host: NULL in every pointer, struct sizes that
// cut fields off, ABI versions the plugin does not speak, strings that are
// not UTF-8 in every string input, and 10 MB inputs. Each gets an error
// object with a code and a message, never a crash, and nothing stored
// changes. What stays undefined is listed at the top of the header.
#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "tests/integration/plugin_host.h"
#include "tests/support/plugin_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backend.h"

using namespace wisepay::test;
namespace json = boost::json;

namespace {

const std::string kKey = "wp_live_HOSTILEkey_0001";
constexpr std::size_t kTenMegabytes = 10 * 1024 * 1024;

// Byte sequences that are not UTF-8: a lone continuation byte, an overlong
// '/', a byte UTF-8 never uses, a sequence cut short, an encoded surrogate.
const std::vector<std::string> kNotUtf8 = {"\x80", "\xC0\xAF", "\xFF", "\xE2\x82", "\xED\xA0\x80"};

std::string as_hex(const std::string &bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        out += "0123456789ABCDEF"[c >> 4];
        out += "0123456789ABCDEF"[c & 15];
        out += ' ';
    }
    return out;
}

// A refusal as the header promises it: the status asked for, and an error
// object whose status matches and whose code and message are there. The
// error is taken by reference: it is read only after the call that sets it
// (an argument of the same call expression) has run.
void check_refused(wisepay_status got, wisepay_error *&error,
                   std::initializer_list<wisepay_status> allowed) {
    INFO("status " << got << ", code " << (error && error->code ? error->code : "(none)"));
    CHECK(std::find(allowed.begin(), allowed.end(), got) != allowed.end());
    REQUIRE(error != nullptr);
    CHECK(error->status == got);
    REQUIRE(error->code != nullptr);
    CHECK(std::strlen(error->code) > 0);
    REQUIRE(error->message != nullptr);
    CHECK(std::strlen(error->message) > 0);
    REQUIRE(error->correlation_id != nullptr);
    plugin_api().free_error(error);
    error = nullptr;
}

// An instance with settings saved once, so tests can check nothing changed.
struct Saved {
    Saved() : plugin(host, make_config(dir.file("settings.db"))) {
        const CallResult r =
            plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kKey + "\",\"enabled\":true}");
        INFO(r.describe());
        REQUIRE(r.ok());
        before = plugin.get_settings("acme").json;
    }
    // The stored settings are what they were, and read back as valid JSON.
    void check_unchanged() {
        const CallResult now = plugin.get_settings("acme");
        REQUIRE(now.ok());
        CHECK(now.json == before);
        CHECK_NOTHROW(json::parse(now.json));
    }

    TempDir dir;
    TestHost host;
    PluginInstance plugin;
    std::string before;
};

wisepay_save_request save_request(const char *tenant, const char *actor, const std::string &body) {
    wisepay_save_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = tenant;
    request.actor = actor;
    request.expected_version = 1;
    request.settings_json = body.data();
    request.settings_json_len = body.size();
    return request;
}

wisepay_invoice_request invoice_request() {
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = "acme";
    request.user_email = "pat@customer.example";
    request.invoice_id = "inv_1";
    request.invoice_number = "INV-1";
    request.return_url = "https://portal.example/invoices";
    request.deadline_ms = 500;
    return request;
}

wisepay_test_request test_request(const char *key, std::size_t key_len) {
    wisepay_test_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = "acme";
    request.api_key = key;
    request.api_key_len = key_len;
    request.deadline_ms = 500;
    return request;
}

wisepay_status save(Saved &s, const wisepay_save_request &request, wisepay_error **error) {
    char *out = nullptr;
    const wisepay_status status = plugin_api().save_settings(s.plugin.raw(), &request, &out, error);
    plugin_api().free_string(out);
    return status;
}

wisepay_status click(Saved &s, const wisepay_invoice_request &request, wisepay_error **error) {
    wisepay_redirect *redirect = nullptr;
    const wisepay_status status =
        plugin_api().open_invoice(s.plugin.raw(), &request, &redirect, error);
    CHECK(redirect == nullptr);  // never a redirect for a refused click
    plugin_api().free_redirect(redirect);
    return status;
}

wisepay_status test_key(Saved &s, const wisepay_test_request &request, wisepay_error **error) {
    char *out = nullptr;
    const wisepay_status status =
        plugin_api().test_connection(s.plugin.raw(), &request, &out, error);
    plugin_api().free_string(out);
    return status;
}

// Puts each bad value in its field of an otherwise valid click, one field at
// a time (the invoice id and number both get `invoice_text`); every click
// must be refused.
void check_each_invoice_field_refused(Saved &s, const std::string &tenant, const std::string &email,
                                      const std::string &invoice_text,
                                      const std::string &return_url) {
    for (int field = 0; field < 5; ++field) {
        INFO("invoice field " << field);
        wisepay_invoice_request request = invoice_request();
        if (field == 0)
            request.tenant_id = tenant.c_str();
        if (field == 1)
            request.user_email = email.c_str();
        if (field == 2)
            request.invoice_id = invoice_text.c_str();
        if (field == 3)
            request.invoice_number = invoice_text.c_str();
        if (field == 4)
            request.return_url = return_url.c_str();
        wisepay_error *error = nullptr;
        check_refused(click(s, request, &error), error, {WISEPAY_E_INVALID_ARGUMENT});
    }
}

// `create` with this config is refused and gives no instance.
void check_create_refused(Saved &s, const std::string &config) {
    wisepay_instance *instance = nullptr;
    wisepay_error *error = nullptr;
    check_refused(
        plugin_api().create(s.host.table(), config.data(), config.size(), &instance, &error), error,
        {WISEPAY_E_CONFIG, WISEPAY_E_INVALID_ARGUMENT});
    CHECK(instance == nullptr);
}

}  // namespace

TEST_CASE("hostile host: the entry refuses every ABI version but 1") {
    for (std::uint32_t version : {0u, 2u, 3u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
        INFO("version " << version);
        CHECK(plugin_entry()(version) == nullptr);
    }
    const wisepay_plugin_api *api = plugin_entry()(WISEPAY_ABI_VERSION);
    REQUIRE(api != nullptr);
    CHECK(api->struct_size == sizeof(wisepay_plugin_api));
    CHECK(api->get_extension(nullptr) == nullptr);
    CHECK(api->get_extension("") == nullptr);
    CHECK(api->get_extension("com.wisepay.no-such-extension") == nullptr);
}

TEST_CASE("hostile host: a NULL instance or output pointer is refused by every call") {
    const wisepay_plugin_api &api = plugin_api();
    Saved s;
    char *out = reinterpret_cast<char *>(0x1);  // must be reset to NULL
    wisepay_error *error = nullptr;

    std::size_t length = 99;
    check_refused(api.get_page_schema(nullptr, &out, &length, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    CHECK(static_cast<void *>(out) == nullptr);
    CHECK(length == 0);
    error = nullptr;
    check_refused(api.get_page_schema(s.plugin.raw(), nullptr, nullptr, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    out = reinterpret_cast<char *>(0x1);
    error = nullptr;
    check_refused(api.get_settings(nullptr, "acme", &out, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    CHECK(static_cast<void *>(out) == nullptr);
    error = nullptr;
    check_refused(api.get_settings(s.plugin.raw(), "acme", nullptr, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    error = nullptr;
    check_refused(api.get_stats(nullptr, &out, &error), error, {WISEPAY_E_INVALID_ARGUMENT});
    error = nullptr;
    check_refused(api.get_stats(s.plugin.raw(), nullptr, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});

    const std::string body = "{\"enabled\":false}";
    const wisepay_save_request save = save_request("acme", "ann", body);
    error = nullptr;
    check_refused(api.save_settings(nullptr, &save, &out, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    error = nullptr;
    check_refused(api.save_settings(s.plugin.raw(), nullptr, &out, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});

    const wisepay_invoice_request invoice = invoice_request();
    wisepay_redirect *redirect = reinterpret_cast<wisepay_redirect *>(0x1);
    error = nullptr;
    check_refused(api.open_invoice(nullptr, &invoice, &redirect, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    CHECK(static_cast<void *>(redirect) == nullptr);
    error = nullptr;
    check_refused(api.open_invoice(s.plugin.raw(), nullptr, &redirect, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    error = nullptr;
    check_refused(api.open_invoice(s.plugin.raw(), &invoice, nullptr, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});

    const wisepay_test_request test = test_request(nullptr, 0);
    error = nullptr;
    check_refused(api.test_connection(nullptr, &test, &out, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    error = nullptr;
    check_refused(api.test_connection(s.plugin.raw(), nullptr, &out, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    error = nullptr;
    check_refused(api.test_connection(s.plugin.raw(), &test, nullptr, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});

    // The same calls without an error pointer still refuse, quietly.
    CHECK(api.get_settings(nullptr, "acme", &out, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.save_settings(s.plugin.raw(), nullptr, nullptr, nullptr) ==
          WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.open_invoice(s.plugin.raw(), nullptr, nullptr, nullptr) ==
          WISEPAY_E_INVALID_ARGUMENT);
    CHECK(api.test_connection(nullptr, nullptr, nullptr, nullptr) == WISEPAY_E_INVALID_ARGUMENT);
    s.check_unchanged();
}

TEST_CASE("hostile host: a NULL in each required request field is refused") {
    Saved s;
    wisepay_error *error = nullptr;
    const std::string body = "{\"enabled\":false}";

    for (int field = 0; field < 3; ++field) {
        INFO("save field " << field);
        wisepay_save_request request = save_request("acme", "ann", body);
        if (field == 0)
            request.tenant_id = nullptr;
        if (field == 1)
            request.actor = nullptr;
        if (field == 2)
            request.settings_json = nullptr;
        error = nullptr;
        check_refused(save(s, request, &error), error, {WISEPAY_E_INVALID_ARGUMENT});
    }
    for (int field = 0; field < 3; ++field) {
        INFO("invoice field " << field);
        wisepay_invoice_request request = invoice_request();
        if (field == 0)
            request.tenant_id = nullptr;
        if (field == 1)
            request.user_email = nullptr;
        if (field == 2)
            request.invoice_id = nullptr;
        error = nullptr;
        check_refused(click(s, request, &error), error, {WISEPAY_E_INVALID_ARGUMENT});
    }
    wisepay_test_request test = test_request(nullptr, 0);
    test.tenant_id = nullptr;
    error = nullptr;
    check_refused(test_key(s, test, &error), error, {WISEPAY_E_INVALID_ARGUMENT});
    char *out = nullptr;
    error = nullptr;
    check_refused(plugin_api().get_settings(s.plugin.raw(), nullptr, &out, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    CHECK(static_cast<void *>(out) == nullptr);
    s.check_unchanged();
}

TEST_CASE("hostile host: the optional invoice fields may be NULL") {
    Saved s;
    wisepay_invoice_request request = invoice_request();
    request.invoice_number = nullptr;
    request.return_url = nullptr;
    wisepay_error *error = nullptr;
    // The click passes validation and goes on to Wise-Pay, which is not
    // there in this test: "unavailable", not "invalid".
    check_refused(click(s, request, &error), error, {WISEPAY_E_UNAVAILABLE});
}

TEST_CASE("hostile host: struct sizes that cut a field off are refused, larger ones accepted") {
    Saved s;
    wisepay_error *error = nullptr;
    const std::string body = "{\"enabled\":true}";

    const std::vector<std::uint32_t> save_sizes = {
        0u,
        1u,
        4u,
        offsetof(wisepay_save_request, actor),
        offsetof(wisepay_save_request, settings_json_len) + 1,
        sizeof(wisepay_save_request) - 1};
    for (std::uint32_t size : save_sizes) {
        INFO("save struct_size " << size);
        wisepay_save_request request = save_request("acme", "ann", body);
        request.struct_size = size;
        error = nullptr;
        check_refused(save(s, request, &error), error, {WISEPAY_E_INVALID_ARGUMENT});
    }
    const std::vector<std::uint32_t> invoice_sizes = {
        0u, 1u, offsetof(wisepay_invoice_request, user_email),
        offsetof(wisepay_invoice_request, return_url),
        // The last field's last byte (the struct's tail padding is no field).
        offsetof(wisepay_invoice_request, deadline_ms) + sizeof(std::uint32_t) - 1};
    for (std::uint32_t size : invoice_sizes) {
        INFO("invoice struct_size " << size);
        wisepay_invoice_request request = invoice_request();
        request.struct_size = size;
        error = nullptr;
        check_refused(click(s, request, &error), error, {WISEPAY_E_INVALID_ARGUMENT});
    }
    const std::vector<std::uint32_t> test_sizes = {
        0u, 1u, offsetof(wisepay_test_request, api_key),
        offsetof(wisepay_test_request, deadline_ms) + sizeof(std::uint32_t) - 1};
    for (std::uint32_t size : test_sizes) {
        INFO("test struct_size " << size);
        wisepay_test_request request = test_request(nullptr, 0);
        request.struct_size = size;
        error = nullptr;
        check_refused(test_key(s, request, &error), error, {WISEPAY_E_INVALID_ARGUMENT});
    }
    // Version 1 of the host table ends with register_page; what was appended
    // after it (get_master_key) is optional, so only a cut into version 1's
    // fields is refused.
    const std::vector<std::uint32_t> host_sizes = {
        0u, 1u, offsetof(wisepay_host, log),
        offsetof(wisepay_host, register_page) + sizeof(void *) - 1};
    for (std::uint32_t size : host_sizes) {
        INFO("host struct_size " << size);
        wisepay_host host = *s.host.table();
        host.struct_size = size;
        const std::string config = make_config(s.dir.file("other.db"));
        wisepay_instance *instance = reinterpret_cast<wisepay_instance *>(0x1);
        error = nullptr;
        check_refused(plugin_api().create(&host, config.data(), config.size(), &instance, &error),
                      error, {WISEPAY_E_INVALID_ARGUMENT});
        CHECK(instance == nullptr);
    }
    s.check_unchanged();

    // A newer host's larger structs: the plugin reads only what it knows.
    struct {
        wisepay_save_request v1;
        char added_later[64];
    } newer_save{save_request("acme", "ann", body), {}};
    newer_save.v1.struct_size = sizeof newer_save;
    newer_save.v1.settings_json = body.data();
    error = nullptr;
    CHECK(save(s, newer_save.v1, &error) == WISEPAY_OK);
    CHECK(error == nullptr);
    CHECK(s.plugin.get_settings("acme").json.find("\"version\":2") != std::string::npos);

    struct {
        wisepay_invoice_request v1;
        char added_later[64];
    } newer_click{invoice_request(), {}};
    newer_click.v1.struct_size = sizeof newer_click;
    error = nullptr;
    // Accepted as a request: it fails only for want of a Wise-Pay to ask.
    check_refused(click(s, newer_click.v1, &error), error, {WISEPAY_E_UNAVAILABLE});
}

TEST_CASE("hostile host: text that is not UTF-8 is refused in every string input") {
    Saved s;
    for (const std::string &bad : kNotUtf8) {
        const std::string tenant = "acme" + bad;
        const std::string actor = "ann" + bad;
        const std::string in_key = "{\"api_key\":\"wp_live_" + bad + "_0001\"}";
        const std::string raw = "{\"enabled\":true" + bad + "}";
        wisepay_error *error = nullptr;
        INFO("bytes " << as_hex(bad));

        check_refused(save(s, save_request(tenant.c_str(), "ann", "{}"), &error), error,
                      {WISEPAY_E_INVALID_ARGUMENT});
        error = nullptr;
        check_refused(save(s, save_request("acme", actor.c_str(), "{}"), &error), error,
                      {WISEPAY_E_INVALID_ARGUMENT});
        error = nullptr;
        check_refused(save(s, save_request("acme", "ann", in_key), &error), error,
                      {WISEPAY_E_VALIDATION, WISEPAY_E_INVALID_ARGUMENT});
        error = nullptr;
        check_refused(save(s, save_request("acme", "ann", raw), &error), error,
                      {WISEPAY_E_VALIDATION, WISEPAY_E_INVALID_ARGUMENT});

        char *out = nullptr;
        error = nullptr;
        check_refused(plugin_api().get_settings(s.plugin.raw(), tenant.c_str(), &out, &error),
                      error, {WISEPAY_E_INVALID_ARGUMENT});
        CHECK(static_cast<void *>(out) == nullptr);

        check_each_invoice_field_refused(s, tenant, "pat" + bad + "@customer.example", "inv" + bad,
                                         "https://portal.example/" + bad);

        const std::string typed_key = "wp_live_" + bad + "_0001";
        error = nullptr;
        check_refused(test_key(s, test_request(typed_key.data(), typed_key.size()), &error), error,
                      {WISEPAY_E_VALIDATION, WISEPAY_E_INVALID_ARGUMENT});

        check_create_refused(
            s, test_backend() == Backend::kSqlite
                   ? make_config(s.dir.file("other" + bad + ".db"))
                   : plugin_config_json({"", std::string(64, '7'), "https://127.0.0.1:9", "",
                                         "postgresql://postgres@127.0.0.1/other" + bad}));
    }
    s.check_unchanged();
    // Nothing of it reached the log either: every line is still UTF-8 text
    // that the host can print.
    CHECK_NOTHROW(json::parse(json::serialize(json::string(s.host.all_logs()))));
}

TEST_CASE("hostile host: 10 MB inputs are refused without harm") {
    Saved s;
    const std::string huge(kTenMegabytes, 'a');
    const std::string huge_json = "{\"api_key\":\"" + huge + "\"}";
    const std::string huge_space = "{\"enabled\":true" + std::string(kTenMegabytes, ' ') + "}";
    wisepay_error *error = nullptr;

    check_refused(save(s, save_request(huge.c_str(), "ann", "{}"), &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    error = nullptr;
    check_refused(save(s, save_request("acme", huge.c_str(), "{}"), &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});
    error = nullptr;
    check_refused(save(s, save_request("acme", "ann", huge_json), &error), error,
                  {WISEPAY_E_VALIDATION, WISEPAY_E_INVALID_ARGUMENT});
    error = nullptr;
    check_refused(save(s, save_request("acme", "ann", huge_space), &error), error,
                  {WISEPAY_E_VALIDATION, WISEPAY_E_INVALID_ARGUMENT});

    char *out = nullptr;
    error = nullptr;
    check_refused(plugin_api().get_settings(s.plugin.raw(), huge.c_str(), &out, &error), error,
                  {WISEPAY_E_INVALID_ARGUMENT});

    check_each_invoice_field_refused(s, huge, huge + "@customer.example", huge,
                                     "https://portal.example/" + huge);

    error = nullptr;
    check_refused(test_key(s, test_request(huge.data(), huge.size()), &error), error,
                  {WISEPAY_E_VALIDATION, WISEPAY_E_INVALID_ARGUMENT});

    check_create_refused(s, make_config(s.dir.file("other.db"), std::string(64, '7'),
                                        "https://127.0.0.1:9", ",\"x\":\"" + huge + "\""));
    s.check_unchanged();
}
