// The invoice link through the dlopen'ed plugin against a fake Wise-Pay that
// is a real HTTPS server on loopback: the happy path, every refusal, every
// fault with its own code within the deadline, and the key never leaking.
// Also Test connection, the stats of clicks, and an instance after fork().
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "tests/integration/plugin_host.h"
#include "tests/integration/wired_plugin.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/plugin_config.h"
#include "tests/support/temp_dir.h"

using namespace wisepay::test;
using Fault = FakeWisePay::Fault;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

json::object redirect_of(const CallResult &r) {
    INFO(r.describe());
    REQUIRE(r.ok());
    return json::parse(r.json).as_object();
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

TEST_CASE("a payer's invoice click returns a single-use sign-in URL opened in a new tab") {
    WiredPlugin s;
    const CallResult r = s.plugin.open_invoice("acme", kPayer.c_str(), "inv_1042", "INV-1042",
                                               "https://portal.example/invoices");
    auto redirect = redirect_of(r);
    const std::string url(redirect["url"].as_string());
    CHECK_THAT(url, Catch::StartsWith(s.fake.base_url() + "/sso/consume?token="));
    CHECK(url.find(s.fake.last_redirect_token()) != std::string::npos);
    CHECK(redirect["expires_at"].as_int64() > unix_now());
    CHECK(redirect["open_in_new_tab"].as_int64() == 1);
    CHECK_FALSE(redirect["correlation_id"].as_string().empty());

    const auto requests = s.fake.requests();
    REQUIRE(requests.size() == 1);
    const auto &sent = requests[0];
    CHECK(sent.method == "POST");
    CHECK(sent.target == "/api/integrations/deskdirector/v1/sso-sessions");
    CHECK(sent.authorization == "Bearer " + kKey);
    CHECK(sent.idempotency_key.size() >= 16);
    CHECK_THAT(sent.user_agent, Catch::StartsWith("wisepay-deskdirector-plugin/"));
    CHECK(sent.content_type == "application/json");
    auto body = json::parse(sent.body).as_object();
    CHECK(body["payer_email"] == kPayer.c_str());
    CHECK(body["invoice"].as_object()["id"] == "inv_1042");
    CHECK(body["invoice"].as_object()["number"] == "INV-1042");
    CHECK(body["return_url"] == "https://portal.example/invoices");
    s.check_no_key_leaked(r);
    CHECK(s.host.all_logs().find(url) == std::string::npos);  // the URL is a credential
}

TEST_CASE("the email matches ignoring case and surrounding white space") {
    WiredPlugin s;
    const CallResult r = s.plugin.open_invoice("acme", "  PAT@Customer.EXAMPLE \t");
    redirect_of(r);
    auto body = json::parse(s.fake.requests().at(0).body).as_object();
    CHECK(body["payer_email"] == "PAT@Customer.EXAMPLE");
}

TEST_CASE("clicks reuse one kept-alive connection") {
    WiredPlugin s;
    for (int i = 0; i < 5; ++i)
        redirect_of(s.plugin.open_invoice("acme", kPayer.c_str()));
    CHECK(s.fake.requests().size() == 5);
    CHECK(s.fake.connections_accepted() == 1);
}

TEST_CASE("refusals before Wise-Pay is asked: no key, disabled, bad email") {
    WiredPlugin s;
    CallResult r = s.plugin.open_invoice("globex", kPayer.c_str());
    CHECK(r.status == WISEPAY_E_NO_API_KEY);
    CHECK(r.code == "no_api_key");

    REQUIRE(s.plugin.save("acme", "ann", 1, R"({"enabled":false})").ok());
    r = s.plugin.open_invoice("acme", kPayer.c_str());
    CHECK(r.status == WISEPAY_E_DISABLED);
    CHECK(r.code == "integration_disabled");
    REQUIRE(s.plugin.save("acme", "ann", 2, R"({"enabled":true})").ok());

    for (const char *email : {"", "   ", "not-an-email", "a@b@c.example", "@customer.example",
                              "pat@", "pat @customer.example", "pat@customer..example"}) {
        INFO(email);
        r = s.plugin.open_invoice("acme", email);
        CHECK(r.status == WISEPAY_E_INVALID_ARGUMENT);
        CHECK(r.code == "invalid_email");
        CHECK_THAT(r.message, Catch::Contains("email"));
    }
    r = s.plugin.open_invoice("acme", nullptr);
    CHECK(r.code == "invalid_email");
    r = s.plugin.open_invoice("acme", kPayer.c_str(), nullptr);
    CHECK(r.code == "invalid_invoice");
    r = s.plugin.open_invoice("acme", kPayer.c_str(), "inv", nullptr, "javascript:alert(1)");
    CHECK(r.code == "invalid_return_url");
    CHECK(s.fake.requests().empty());
}

TEST_CASE("a user who is not a Wise-Pay payer is refused with the registration link") {
    WiredPlugin s;
    CallResult r = s.plugin.open_invoice("acme", "stranger@customer.example");
    CHECK(r.status == WISEPAY_E_PAYER_NOT_FOUND);
    CHECK(r.code == "payer_not_found");
    CHECK_THAT(r.message, Catch::Contains("stranger@customer.example"));

    const std::string registration = s.fake.base_url() + "/payers/register?merchant=m_1";
    s.fake.set_registration_url(registration);
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = "acme";
    request.user_email = "stranger@customer.example";
    request.invoice_id = "inv_1";
    wisepay_redirect *redirect = nullptr;
    wisepay_error *error = nullptr;
    REQUIRE(plugin_api().open_invoice(s.plugin.raw(), &request, &redirect, &error) ==
            WISEPAY_E_PAYER_NOT_FOUND);
    REQUIRE(error != nullptr);
    REQUIRE(error->help_url != nullptr);
    CHECK(std::string(error->help_url) == registration);
    plugin_api().free_error(error);

    // A registration link off the portal is not passed on.
    s.fake.set_registration_url("https://evil.example/register");
    error = nullptr;
    REQUIRE(plugin_api().open_invoice(s.plugin.raw(), &request, &redirect, &error) ==
            WISEPAY_E_PAYER_NOT_FOUND);
    CHECK(error->help_url == nullptr);
    plugin_api().free_error(error);
}

TEST_CASE("a rejected key and a switched-off integration: portal users read they cannot pay") {
    WiredPlugin s;
    s.fake.revoke_key(kKey);  // the merchant revoked it in Wise-Pay since it was saved
    CallResult r = s.plugin.open_invoice("acme", kPayer.c_str());
    CHECK(r.status == WISEPAY_E_KEY_REJECTED);
    CHECK(r.code == "api_key_rejected");
    // For the portal user: that paying is unavailable, and a support id;
    // the admin's instructions are in the log line with that id.
    CHECK_THAT(r.message, Catch::Contains("not available right now"));
    CHECK(r.message.find("Configure") == std::string::npos);
    CHECK_FALSE(r.correlation_id.empty());
    CHECK_THAT(s.host.all_logs(),
               Catch::Contains(r.correlation_id) && Catch::Contains("Configure > Merchants"));
    s.check_no_key_leaked(r);

    FakeWisePay off;
    TempDir dir;
    TestHost host;
    PluginInstance plugin(host, plugin_config_json({dir.file("settings.db"), std::string(64, '3'),
                                                    off.base_url(), off.ca_file()}));
    off.add_merchant(kKey, "Acme Payments", false);
    off.add_payer(kKey, kPayer);
    const CallResult saved =
        plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kKey + "\",\"enabled\":true}");
    REQUIRE(saved.ok());
    CHECK_THAT(saved.json, Catch::Contains("switched off"));  // the save warned the admin
    r = plugin.open_invoice("acme", kPayer.c_str());
    CHECK(r.status == WISEPAY_E_UPSTREAM_DISABLED);
    CHECK(r.code == "wisepay_integration_disabled");
    CHECK_THAT(r.message, Catch::Contains("not available right now"));
    CHECK_FALSE(r.correlation_id.empty());
}

TEST_CASE("each Wise-Pay fault gives its own code, within the deadline, without leaking the key") {
    struct Case {
        Fault fault;
        wisepay_status status;
        const char *code;
    };
    const Case cases[] = {
        {Fault::kServerError, WISEPAY_E_UNAVAILABLE, "wisepay_server_error"},
        {Fault::kUnavailable, WISEPAY_E_UNAVAILABLE, "wisepay_unavailable"},
        {Fault::kBadGateway, WISEPAY_E_UNAVAILABLE, "wisepay_unavailable"},
        {Fault::kResetMidAnswer, WISEPAY_E_UNAVAILABLE, "wisepay_connection_lost"},
        {Fault::kHugeBody, WISEPAY_E_UPSTREAM_INVALID, "wisepay_answer_too_large"},
        {Fault::kMalformedJson, WISEPAY_E_UPSTREAM_INVALID, "wisepay_malformed_answer"},
        {Fault::kMissingFields, WISEPAY_E_UPSTREAM_INVALID, "wisepay_malformed_answer"},
        {Fault::kWrongPayerEmail, WISEPAY_E_UPSTREAM_INVALID, "wisepay_payer_mismatch"},
        {Fault::kForeignRedirectHost, WISEPAY_E_UPSTREAM_INVALID, "wisepay_untrusted_redirect"},
        {Fault::kPlainHttpRedirect, WISEPAY_E_UPSTREAM_INVALID, "wisepay_untrusted_redirect"},
        {Fault::kExpiredSession, WISEPAY_E_UPSTREAM_INVALID, "wisepay_session_expired"},
    };
    WiredPlugin s;
    for (const Case &c : cases) {
        INFO("expected " << c.code);
        s.fake.set_fault(c.fault);
        const auto started = Clock::now();
        const CallResult r =
            s.plugin.open_invoice("acme", kPayer.c_str(), "inv_1", "INV-1", nullptr, 1500);
        const auto elapsed = Clock::now() - started;
        CHECK(r.status == c.status);
        CHECK(r.code == c.code);
        CHECK_FALSE(r.correlation_id.empty());
        CHECK(elapsed < std::chrono::milliseconds(1500 + 500));
        s.check_no_key_leaked(r);
        CHECK(r.message.find("boom") == std::string::npos);  // Wise-Pay's own text is not passed on
    }
    s.fake.set_fault(Fault::kNone);
    redirect_of(s.plugin.open_invoice("acme", kPayer.c_str()));  // and the plugin recovers
}

TEST_CASE("a slow Wise-Pay is abandoned at the deadline") {
    WiredPlugin s;
    s.fake.set_slow_delay(std::chrono::milliseconds(5000));
    s.fake.set_fault(Fault::kSlow);
    const auto started = Clock::now();
    const CallResult r =
        s.plugin.open_invoice("acme", kPayer.c_str(), "inv_1", nullptr, nullptr, 700);
    const auto elapsed = Clock::now() - started;
    CHECK(r.status == WISEPAY_E_UNAVAILABLE);
    CHECK(r.code == "wisepay_timeout");
    // Wise-Pay gets the deadline less a tenth (to note the outcome after).
    CHECK(elapsed >= std::chrono::milliseconds(600));
    CHECK(elapsed < std::chrono::milliseconds(700 + 400));
}

TEST_CASE("transient failures are retried under one idempotency key") {
    WiredPlugin s;
    s.fake.set_fault(Fault::kUnavailable, 2);
    redirect_of(s.plugin.open_invoice("acme", kPayer.c_str()));
    auto requests = s.fake.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].idempotency_key == requests[1].idempotency_key);
    CHECK(requests[1].idempotency_key == requests[2].idempotency_key);

    s.fake.set_fault(Fault::kResetMidAnswer, 1);
    redirect_of(s.plugin.open_invoice("acme", kPayer.c_str()));
    requests = s.fake.requests();
    REQUIRE(requests.size() == 5);
    CHECK(requests[3].idempotency_key == requests[4].idempotency_key);
    CHECK(requests[2].idempotency_key != requests[3].idempotency_key);  // a new click, a new key
}

TEST_CASE("429 is retried after Retry-After when the deadline allows, else reported") {
    WiredPlugin s;
    s.fake.set_fault(Fault::kRateLimited, 1);
    const auto started = Clock::now();
    redirect_of(s.plugin.open_invoice("acme", kPayer.c_str(), "inv_1", nullptr, nullptr, 3000));
    CHECK(Clock::now() - started >= std::chrono::milliseconds(900));  // Retry-After: 1

    s.fake.set_fault(Fault::kRateLimited);
    const CallResult r =
        s.plugin.open_invoice("acme", kPayer.c_str(), "inv_1", nullptr, nullptr, 800);
    CHECK(r.status == WISEPAY_E_UNAVAILABLE);
    CHECK(r.code == "wisepay_rate_limited");
}

TEST_CASE("a certificate for another host or from an unknown CA is refused") {
    for (auto certificate :
         {FakeWisePay::Certificate::kWrongHostName, FakeWisePay::Certificate::kUnknownCa}) {
        WiredPlugin s(certificate);
        const CallResult r = s.plugin.open_invoice("acme", kPayer.c_str());
        CHECK(r.status == WISEPAY_E_UNAVAILABLE);
        CHECK(r.code == "wisepay_tls_failed");
        CHECK(s.fake.requests().empty());
    }
}

TEST_CASE("an unreachable Wise-Pay is reported as such, within the deadline") {
    TempDir dir;
    TestHost host;
    std::uint16_t closed_port;
    std::string ca_file;
    {
        FakeWisePay gone;
        closed_port = gone.port();
        ca_file = dir.file("ca.pem");
        std::filesystem::copy_file(gone.ca_file(), ca_file);
    }
    PluginInstance plugin(
        host, plugin_config_json({dir.file("settings.db"), std::string(64, '3'),
                                  "https://127.0.0.1:" + std::to_string(closed_port), ca_file}));
    REQUIRE(plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kKey + "\",\"enabled\":true}").ok());
    const auto started = Clock::now();
    const CallResult r =
        plugin.open_invoice("acme", kPayer.c_str(), "inv_1", nullptr, nullptr, 1000);
    CHECK(r.status == WISEPAY_E_UNAVAILABLE);
    CHECK(r.code == "wisepay_unreachable");
    CHECK(Clock::now() - started < std::chrono::milliseconds(1500));
}

TEST_CASE("test connection checks the saved key or a typed one") {
    WiredPlugin s;
    CallResult r = s.plugin.test_connection("acme");
    INFO(r.describe());
    REQUIRE(r.ok());
    auto answer = json::parse(r.json).as_object();
    CHECK(answer["ok"].as_bool());
    CHECK(answer["merchant_name"] == "Acme Payments");
    CHECK(s.fake.requests().at(0).method == "GET");
    CHECK(s.fake.requests().at(0).target == "/api/integrations/deskdirector/v1/merchant");

    s.fake.add_merchant("wp_live_second_key_77", "Second Merchant");
    r = s.plugin.test_connection("acme", "  wp_live_second_key_77\n");
    REQUIRE(r.ok());
    CHECK(json::parse(r.json).as_object()["merchant_name"] == "Second Merchant");

    r = s.plugin.test_connection("acme", "wp_live_not_known_123");
    CHECK(r.status == WISEPAY_E_KEY_REJECTED);
    r = s.plugin.test_connection("acme", "bad key");
    CHECK(r.status == WISEPAY_E_VALIDATION);
    REQUIRE(r.field_errors.size() == 1);
    CHECK(r.field_errors[0].first == "api_key");
    r = s.plugin.test_connection("globex");
    CHECK(r.status == WISEPAY_E_NO_API_KEY);

    s.fake.add_merchant("wp_live_switched_off_1", "Dormant Merchant", false);
    r = s.plugin.test_connection("acme", "wp_live_switched_off_1");
    CHECK(r.status == WISEPAY_E_UPSTREAM_DISABLED);
    CHECK_THAT(r.message, Catch::Contains("Dormant Merchant"));
    s.check_no_key_leaked(r);
}

TEST_CASE("stats count invoice clicks by outcome with latency percentiles") {
    WiredPlugin s;
    redirect_of(s.plugin.open_invoice("acme", kPayer.c_str()));
    redirect_of(s.plugin.open_invoice("acme", kPayer.c_str()));
    s.plugin.open_invoice("acme", "stranger@customer.example");
    auto stats = json::parse(s.plugin.stats().json).as_object();
    auto calls = stats["calls"].as_object()["open_invoice"].as_object();
    CHECK(calls["ok"].to_number<int>() == 2);
    CHECK(calls["payer_not_found"].to_number<int>() == 1);
    auto latency = stats["latency_us"].as_object()["open_invoice"].as_object();
    CHECK(latency["count"].to_number<int>() == 3);
    CHECK(latency["p50"].to_number<std::int64_t>() > 0);
    CHECK(latency["p99"].to_number<std::int64_t>() >= latency["p50"].to_number<std::int64_t>());
}

TEST_CASE("a forked child cannot use its parent's instance, but can make its own") {
    WiredPlugin s;
    redirect_of(s.plugin.open_invoice("acme", kPayer.c_str()));  // a pooled connection now
    REQUIRE(s.fake.connections_accepted() == 1);
    const std::string config = plugin_config_json(
        {s.dir.file("settings.db"), std::string(64, '3'), s.fake.base_url(), s.fake.ca_file()});
    const wisepay_plugin_api &api = plugin_api();

    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // No test macros here: the child reports through its exit status.
        wisepay_invoice_request request{};
        request.struct_size = sizeof request;
        request.tenant_id = "acme";
        request.user_email = kPayer.c_str();
        request.invoice_id = "inv_child";
        wisepay_redirect *redirect = nullptr;
        wisepay_error *error = nullptr;
        if (api.open_invoice(s.plugin.raw(), &request, &redirect, &error) !=
                WISEPAY_E_INVALID_ARGUMENT ||
            redirect != nullptr || error == nullptr ||
            std::string(error->code) != "instance_from_parent_process")
            ::_exit(10);
        api.free_error(error);
        char *json = nullptr;
        if (api.get_settings(s.plugin.raw(), "acme", &json, nullptr) != WISEPAY_E_INVALID_ARGUMENT)
            ::_exit(11);
        wisepay_host host{};
        host.struct_size = sizeof host;
        wisepay_instance *own = nullptr;
        if (api.create(&host, config.data(), config.size(), &own, nullptr) != WISEPAY_OK)
            ::_exit(12);
        if (api.open_invoice(own, &request, &redirect, nullptr) != WISEPAY_OK)
            ::_exit(13);
        api.free_redirect(redirect);
        api.destroy(own);
        api.destroy(s.plugin.raw());  // only forgotten: the parent's connections stay
        ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    // The child's click came on a connection of its own...
    CHECK(s.fake.connections_accepted() == 2);
    // ...and the parent's connection, untouched by the child, still serves.
    redirect_of(s.plugin.open_invoice("acme", kPayer.c_str()));
    CHECK(s.fake.connections_accepted() == 2);
    CHECK(s.fake.requests_received() == 3);
}
