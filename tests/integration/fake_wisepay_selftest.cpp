// The fake Wise-Pay checked on its own with a small HTTPS client that
// verifies it the way the plugin does, so that plugin tests built on it can
// be trusted: the contract, keep-alive, each fault and a quick shutdown.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/fake_wisepay.h"

using namespace wisepay::test;
using Fault = FakeWisePay::Fault;

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

const std::string kSsoPath = "/api/integrations/deskdirector/v1/sso-sessions";
const std::string kMerchantPath = "/api/integrations/deskdirector/v1/merchant";
const std::string kKey = "wp_test_SELFTESTkey_9137";
const std::string kPayer = "Pat@Customer.example";
constexpr auto kTimeout = std::chrono::seconds(5);

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string sso_body(const std::string &email, const std::string &invoice_id = "inv_1042") {
    return json::serialize(json::object{{"payer_email", email},
                                        {"invoice", json::object{{"id", invoice_id}}},
                                        {"return_url", "https://portal.example/invoices"}});
}

struct Reply {
    error_code ec;
    http::response<http::string_body> response;

    unsigned status() const { return response.result_int(); }
    json::object json() const {
        error_code parse_ec;
        json::value value = json::parse(response.body(), parse_ec);
        INFO(response.body());
        REQUIRE_FALSE(parse_ec);
        REQUIRE(value.is_object());
        return value.as_object();
    }
    std::string error_code_of() const {
        const json::object body = json();
        const json::value *code = body.at("error").as_object().if_contains("code");
        return code && code->is_string() ? std::string(code->get_string()) : "";
    }
};

// A synchronous HTTPS client with a time limit on every step, verifying the
// peer against the fake's CA file (and, unless told not to, the host name
// 127.0.0.1) as the plugin does.
class Client {
  public:
    explicit Client(const FakeWisePay &fake, bool check_host_name = true) : port_(fake.port()) {
        tls_.set_verify_mode(ssl::verify_peer);
        tls_.load_verify_file(fake.ca_file());
        if (check_host_name)
            tls_.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
        stream_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc_, tls_);
    }

    error_code connect() {
        const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), port_);
        error_code ec = run([&](auto handler) {
            beast::get_lowest_layer(*stream_).async_connect(endpoint, handler);
        });
        if (ec)
            return ec;
        return run(
            [&](auto handler) { stream_->async_handshake(ssl::stream_base::client, handler); });
    }

    Reply send(http::verb method, const std::string &target, const std::string &key,
               const std::string &body = "", bool keep_alive = true,
               std::uint64_t body_limit = 1024 * 1024) {
        http::request<http::string_body> request{method, target, 11};
        request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
        request.set(http::field::user_agent, "wisepay-deskdirector-plugin/selftest");
        request.set(http::field::accept, "application/json");
        if (!key.empty())
            request.set(http::field::authorization, "Bearer " + key);
        if (method == http::verb::post) {
            request.set(http::field::content_type, "application/json");
            request.set("Idempotency-Key", "idem-" + std::to_string(++sent_));
            request.body() = body;
        }
        request.keep_alive(keep_alive);
        request.prepare_payload();

        Reply reply;
        reply.ec = run([&](auto handler) { http::async_write(*stream_, request, handler); });
        if (reply.ec)
            return reply;
        http::response_parser<http::string_body> parser;
        parser.body_limit(body_limit);
        reply.ec = run([&](auto handler) { http::async_read(*stream_, buffer_, parser, handler); });
        if (parser.is_header_done())
            reply.response = parser.release();
        return reply;
    }

    Reply post_sso(const std::string &key, const std::string &email) {
        return send(http::verb::post, kSsoPath, key, sso_body(email));
    }

  private:
    // Starts one asynchronous operation and runs it to completion or timeout.
    template <typename Start>
    error_code run(Start start) {
        error_code result = net::error::operation_aborted;
        beast::get_lowest_layer(*stream_).expires_after(kTimeout);
        start([&result](error_code ec, auto...) { result = ec; });
        ioc_.restart();
        ioc_.run();
        return result;
    }

    std::uint16_t port_;
    net::io_context ioc_;
    ssl::context tls_{ssl::context::tls_client};
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream_;
    beast::flat_buffer buffer_;
    int sent_ = 0;
};

// A fake with one merchant and one payer.
struct Setup {
    Setup() {
        fake.add_merchant(kKey, "Acme Payments");
        fake.add_payer(kKey, kPayer);
    }
    FakeWisePay fake;
};

bool is_lower_hex(const std::string &s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("fake Wise-Pay: a known payer gets a sign-in session with the documented fields") {
    Setup s;
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());
    const std::string asked = sso_body("  pat@CUSTOMER.EXAMPLE\t");
    const Reply reply = client.send(http::verb::post, kSsoPath, kKey, asked);
    INFO(reply.ec.message());
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 200);
    CHECK(reply.response[http::field::content_type] == "application/json");

    const json::object body = reply.json();
    CHECK(body.size() == 3);
    const std::string token = s.fake.last_redirect_token();
    CHECK(token.size() == 32);
    CHECK(is_lower_hex(token));
    CHECK(body.at("redirect_url").as_string() == s.fake.base_url() + "/sso/consume?token=" + token);
    const std::int64_t expires_at = body.at("expires_at").as_int64();
    CHECK(expires_at >= unix_now() + 115);
    CHECK(expires_at <= unix_now() + 121);
    CHECK(body.at("payer_email").as_string() == kPayer);  // as stored, not as asked

    const auto requests = s.fake.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "POST");
    CHECK(requests[0].target == kSsoPath);
    CHECK(requests[0].authorization == "Bearer " + kKey);
    CHECK(requests[0].idempotency_key == "idem-1");
    CHECK(requests[0].user_agent == "wisepay-deskdirector-plugin/selftest");
    CHECK(requests[0].content_type == "application/json");
    CHECK(requests[0].body == asked);

    // Every session is a new token.
    const Reply again = client.post_sso(kKey, kPayer);
    REQUIRE_FALSE(again.ec);
    CHECK(again.status() == 200);
    CHECK(s.fake.last_redirect_token() != token);
    CHECK(s.fake.issued_tokens() == std::vector<std::string>{token, s.fake.last_redirect_token()});
    CHECK(s.fake.base_url() == "https://127.0.0.1:" + std::to_string(s.fake.port()));
}

TEST_CASE(
    "fake Wise-Pay: an unknown payer is 404 payer_not_found, with the registration link when set") {
    Setup s;
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());
    Reply reply = client.post_sso(kKey, "nobody@customer.example");
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 404);
    CHECK(reply.error_code_of() == "payer_not_found");
    CHECK_FALSE(reply.json().at("error").as_object().contains("registration_url"));

    const std::string registration = s.fake.base_url() + "/payers/register?merchant=m_1";
    s.fake.set_registration_url(registration);
    reply = client.post_sso(kKey, "nobody@customer.example");
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 404);
    CHECK(reply.error_code_of() == "payer_not_found");
    CHECK(reply.json().at("error").as_object().at("registration_url").as_string() == registration);
    CHECK(s.fake.last_redirect_token().empty());
    CHECK(s.fake.issued_tokens().empty());
}

TEST_CASE("fake Wise-Pay: an unknown or missing key is 401, a switched-off integration 403") {
    Setup s;
    s.fake.add_merchant("wp_test_dormant", "Dormant Merchant", false);
    s.fake.add_payer("wp_test_dormant", kPayer);
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());

    Reply reply = client.post_sso("wp_test_unknown", kPayer);
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 401);
    CHECK(reply.error_code_of() == "unauthorized");

    reply = client.post_sso("", kPayer);
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 401);

    reply = client.post_sso("wp_test_dormant", kPayer);
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 403);
    CHECK(reply.error_code_of() == "integration_disabled");

    CHECK_THROWS_AS(s.fake.add_payer("wp_test_nobody", kPayer), std::out_of_range);
}

TEST_CASE("fake Wise-Pay: a bad body is 400 and any other path 404") {
    Setup s;
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());
    for (const std::string &body :
         {std::string("not json"), std::string("[]"), std::string(R"({"payer_email":"x@y.z"})"),
          std::string(R"({"payer_email":7,"invoice":{"id":"inv_1"}})"),
          std::string(R"({"payer_email":"pat@customer.example","invoice":{"id":42}})"),
          std::string(R"({"payer_email":"pat@customer.example","invoice":"inv_1"})")}) {
        INFO(body);
        const Reply reply = client.send(http::verb::post, kSsoPath, kKey, body);
        REQUIRE_FALSE(reply.ec);
        CHECK(reply.status() == 400);
        CHECK(reply.error_code_of() == "bad_request");
    }
    for (const auto &[verb, target] :
         {std::pair{http::verb::get, std::string("/")}, std::pair{http::verb::get, kSsoPath},
          std::pair{http::verb::post, kMerchantPath},
          std::pair{http::verb::get, kMerchantPath + "?x=1"}}) {
        INFO(target);
        const Reply reply = client.send(verb, target, kKey, sso_body(kPayer));
        REQUIRE_FALSE(reply.ec);
        CHECK(reply.status() == 404);
        CHECK(reply.error_code_of() == "not_found");
    }
}

TEST_CASE("fake Wise-Pay: the merchant endpoint describes the key's merchant") {
    Setup s;
    s.fake.add_merchant("wp_test_dormant", "Dormant Merchant", false);
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());

    Reply reply = client.send(http::verb::get, kMerchantPath, kKey);
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 200);
    json::object body = reply.json();
    CHECK(body.at("merchant").as_object().at("id").as_string() == "m_1");
    CHECK(body.at("merchant").as_object().at("name").as_string() == "Acme Payments");
    CHECK(body.at("integration_enabled").as_bool() == true);

    reply = client.send(http::verb::get, kMerchantPath, "wp_test_dormant");
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 200);
    body = reply.json();
    CHECK(body.at("merchant").as_object().at("id").as_string() == "m_2");
    CHECK(body.at("integration_enabled").as_bool() == false);

    reply = client.send(http::verb::get, kMerchantPath, "wp_test_unknown");
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 401);
    CHECK(reply.error_code_of() == "unauthorized");

    const auto requests = s.fake.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].method == "GET");
    CHECK(requests[0].idempotency_key.empty());
    CHECK(requests[0].body.empty());
}

TEST_CASE(
    "fake Wise-Pay: keep-alive serves many requests on one connection, Connection: close ends it") {
    Setup s;
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());
    for (int i = 0; i < 2; ++i) {
        const Reply reply = client.post_sso(kKey, kPayer);
        REQUIRE_FALSE(reply.ec);
        CHECK(reply.status() == 200);
        CHECK(reply.response.keep_alive());
    }
    CHECK(s.fake.connections_accepted() == 1);

    const Reply closing =
        client.send(http::verb::get, kMerchantPath, kKey, "", /*keep_alive=*/false);
    REQUIRE_FALSE(closing.ec);
    CHECK(closing.status() == 200);
    CHECK_FALSE(closing.response.keep_alive());
    const Reply after = client.send(http::verb::get, kMerchantPath, kKey);
    CHECK(after.ec);  // the server closed the connection
    CHECK(s.fake.connections_accepted() == 1);
    CHECK(s.fake.requests().size() == 3);

    Client second(s.fake);
    REQUIRE_FALSE(second.connect());
    REQUIRE_FALSE(second.send(http::verb::get, kMerchantPath, kKey).ec);
    CHECK(s.fake.connections_accepted() == 2);
}

TEST_CASE("fake Wise-Pay: kServerError is a 500 that echoes the key") {
    Setup s;
    s.fake.set_fault(Fault::kServerError);
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());
    for (int i = 0; i < 2; ++i) {  // -1: every request
        const Reply reply = client.post_sso(kKey, kPayer);
        REQUIRE_FALSE(reply.ec);
        CHECK(reply.status() == 500);
        CHECK(reply.error_code_of() == "internal");
        CHECK(reply.response.body().find(kKey) != std::string::npos);
    }
}

TEST_CASE(
    "fake Wise-Pay: kRateLimited is a 429 with Retry-After, kUnavailable 503, kBadGateway 502") {
    Setup s;
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());

    s.fake.set_fault(Fault::kRateLimited);
    Reply reply = client.post_sso(kKey, kPayer);
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 429);
    CHECK(reply.response[http::field::retry_after] == "1");
    CHECK(reply.error_code_of() == "rate_limited");

    s.fake.set_fault(Fault::kUnavailable);
    reply = client.send(http::verb::get, kMerchantPath, kKey);
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 503);
    CHECK(reply.error_code_of() == "unavailable");
    CHECK(reply.response[http::field::retry_after].empty());

    s.fake.set_fault(Fault::kBadGateway);
    reply = client.post_sso(kKey, kPayer);
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 502);
}

TEST_CASE("fake Wise-Pay: kResetMidAnswer breaks the answer off") {
    Setup s;
    s.fake.set_fault(Fault::kResetMidAnswer, 1);
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());
    const Reply reply = client.post_sso(kKey, kPayer);
    INFO(reply.ec.message());
    CHECK(reply.ec);
    CHECK(reply.status() == 200);  // the status line and headers did arrive
    CHECK(s.fake.requests().size() == 1);

    // The fake itself carries on, on a new connection.
    Client next(s.fake);
    REQUIRE_FALSE(next.connect());
    const Reply fine = next.post_sso(kKey, kPayer);
    REQUIRE_FALSE(fine.ec);
    CHECK(fine.status() == 200);
    CHECK(s.fake.connections_accepted() == 2);
}

TEST_CASE("fake Wise-Pay: a fault set for n requests affects only those") {
    Setup s;
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());

    s.fake.set_fault(Fault::kUnavailable, 1);
    CHECK(client.post_sso(kKey, kPayer).status() == 503);
    CHECK(client.post_sso(kKey, kPayer).status() == 200);
    CHECK(client.post_sso(kKey, kPayer).status() == 200);

    s.fake.set_fault(Fault::kServerError, 2);
    CHECK(client.send(http::verb::get, "/elsewhere", kKey).status() == 404);  // not counted
    CHECK(client.send(http::verb::get, kMerchantPath, kKey).status() == 500);
    CHECK(client.post_sso(kKey, kPayer).status() == 500);
    CHECK(client.post_sso(kKey, kPayer).status() == 200);

    s.fake.set_fault(Fault::kBadGateway);
    CHECK(client.post_sso(kKey, kPayer).status() == 502);
    s.fake.set_fault(Fault::kNone);
    CHECK(client.post_sso(kKey, kPayer).status() == 200);
    CHECK(s.fake.connections_accepted() == 1);
}

TEST_CASE("fake Wise-Pay: the 200 faults bend the answer as documented") {
    Setup s;
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());
    const std::string own = "127.0.0.1:" + std::to_string(s.fake.port());

    s.fake.set_fault(Fault::kMalformedJson, 1);
    Reply reply = client.post_sso(kKey, kPayer);
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 200);
    CHECK(reply.response.body().rfind("{\"redirect_url\": \"https://", 0) == 0);
    error_code parse_ec;
    json::parse(reply.response.body(), parse_ec);
    CHECK(parse_ec);

    s.fake.set_fault(Fault::kWrongPayerEmail, 1);
    reply = client.post_sso(kKey, kPayer);
    CHECK(reply.json().at("payer_email").as_string() == "someone.else@example.com");

    s.fake.set_fault(Fault::kForeignRedirectHost, 1);
    reply = client.post_sso(kKey, kPayer);
    CHECK(reply.json().at("redirect_url").as_string() ==
          "https://evil.example/sso?token=" + s.fake.last_redirect_token());

    s.fake.set_fault(Fault::kPlainHttpRedirect, 1);
    reply = client.post_sso(kKey, kPayer);
    CHECK(reply.json().at("redirect_url").as_string() ==
          "http://" + own + "/sso/consume?token=" + s.fake.last_redirect_token());

    s.fake.set_fault(Fault::kExpiredSession, 1);
    reply = client.post_sso(kKey, kPayer);
    const std::int64_t expires_at = reply.json().at("expires_at").as_int64();
    CHECK(expires_at <= unix_now() - 59);
    CHECK(expires_at >= unix_now() - 62);

    s.fake.set_fault(Fault::kMissingFields, 1);
    reply = client.post_sso(kKey, " PAT@customer.example");
    CHECK(reply.json() == json::object{{"payer_email", " PAT@customer.example"}});

    reply = client.post_sso(kKey, kPayer);  // and back to normal
    CHECK(reply.json().size() == 3);
}

TEST_CASE("fake Wise-Pay: kHugeBody streams 10 MiB and copes with a client that gives up") {
    Setup s;
    s.fake.set_fault(Fault::kHugeBody);
    {
        Client patient(s.fake);
        REQUIRE_FALSE(patient.connect());
        const Reply reply = patient.send(http::verb::post, kSsoPath, kKey, sso_body(kPayer), true,
                                         16 * 1024 * 1024);
        INFO(reply.ec.message());
        REQUIRE_FALSE(reply.ec);
        CHECK(reply.status() == 200);
        CHECK(reply.response.body().size() == 10 * 1024 * 1024);
        error_code parse_ec;
        json::parse(reply.response.body(), parse_ec);
        CHECK_FALSE(parse_ec);  // JSON-ish: one long string
    }
    Client impatient(s.fake);
    REQUIRE_FALSE(impatient.connect());
    const Reply reply =
        impatient.send(http::verb::post, kSsoPath, kKey, sso_body(kPayer), true, 64 * 1024);
    CHECK(reply.ec == http::error::body_limit);
    CHECK(reply.status() == 200);
    CHECK(s.fake.requests().size() == 2);
}

TEST_CASE("fake Wise-Pay: kSlow waits slow_delay, then answers normally") {
    Setup s;
    s.fake.set_slow_delay(std::chrono::milliseconds(300));
    s.fake.set_fault(Fault::kSlow, 1);
    Client client(s.fake);
    REQUIRE_FALSE(client.connect());
    const auto started = Clock::now();
    const Reply reply = client.post_sso(kKey, kPayer);
    const auto elapsed = Clock::now() - started;
    REQUIRE_FALSE(reply.ec);
    CHECK(reply.status() == 200);
    CHECK(elapsed >= std::chrono::milliseconds(290));
    CHECK(elapsed < std::chrono::milliseconds(2000));
}

TEST_CASE("fake Wise-Pay: certificates for another host or from an unknown CA fail verification") {
    SECTION("a valid certificate passes both checks") {
        FakeWisePay fake;
        Client client(fake);
        CHECK_FALSE(client.connect());
    }
    SECTION("a wrong host name fails the host name check only") {
        FakeWisePay fake(FakeWisePay::Certificate::kWrongHostName);
        Client client(fake);
        const error_code ec = client.connect();
        INFO(ec.message());
        CHECK(ec);
        Client chain_only(fake, /*check_host_name=*/false);
        CHECK_FALSE(chain_only.connect());  // signed by the CA in ca_file()
        CHECK(fake.requests().empty());
    }
    SECTION("an unknown CA fails even without the host name check") {
        FakeWisePay fake(FakeWisePay::Certificate::kUnknownCa);
        Client client(fake);
        const error_code ec = client.connect();
        INFO(ec.message());
        CHECK(ec);
        Client chain_only(fake, /*check_host_name=*/false);
        CHECK(chain_only.connect());
        CHECK(fake.requests().empty());
    }
}

TEST_CASE("fake Wise-Pay: the destructor returns quickly with a slow answer in flight") {
    auto fake = std::make_unique<FakeWisePay>();
    fake->add_merchant(kKey, "Acme Payments");
    fake->add_payer(kKey, kPayer);
    fake->set_slow_delay(std::chrono::seconds(10));
    fake->set_fault(Fault::kSlow);

    // Also an idle TLS connection and a TCP connection that never says hello.
    Client idle(*fake);
    REQUIRE_FALSE(idle.connect());
    net::io_context raw_ioc;
    tcp::socket raw(raw_ioc);
    raw.connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), fake->port()));

    error_code in_flight_ec;
    bool in_flight_done = false;
    Client slow(*fake);
    REQUIRE_FALSE(slow.connect());
    std::thread waiting([&] {
        const Reply reply = slow.post_sso(kKey, kPayer);
        in_flight_ec = reply.ec;
        in_flight_done = true;
    });
    const auto give_up = Clock::now() + std::chrono::seconds(5);
    while (fake->requests().empty() && Clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(fake->requests().size() == 1);

    const auto started = Clock::now();
    fake.reset();
    const auto elapsed = Clock::now() - started;
    waiting.join();
    CHECK(elapsed < std::chrono::milliseconds(1000));
    CHECK(in_flight_done);
    CHECK(in_flight_ec);  // no answer came
}

TEST_CASE("fake Wise-Pay: eight clients at once are all served") {
    Setup s;
    constexpr int kClients = 8;
    constexpr int kEach = 5;
    std::vector<int> ok(kClients, 0);
    std::vector<std::thread> threads;
    for (int c = 0; c < kClients; ++c) {
        threads.emplace_back([&, c] {
            Client client(s.fake);
            if (client.connect())
                return;
            for (int i = 0; i < kEach; ++i) {
                const Reply reply = client.post_sso(kKey, kPayer);
                if (!reply.ec && reply.status() == 200)
                    ++ok[static_cast<std::size_t>(c)];
            }
        });
    }
    for (auto &t : threads)
        t.join();
    for (int c = 0; c < kClients; ++c)
        CHECK(ok[static_cast<std::size_t>(c)] == kEach);
    CHECK(s.fake.connections_accepted() == kClients);
    CHECK(s.fake.requests().size() == kClients * kEach);
}
