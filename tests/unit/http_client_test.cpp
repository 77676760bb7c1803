// The HTTPS client against a small real server on 127.0.0.1 (blocking Beast,
// one thread per connection) with certificates made at test time.
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "plugin/http/client.h"
#include "plugin/util/url.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_pki.h"

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using namespace wisepay;
using namespace wisepay::http;

// What the server saw of one request.
struct Seen {
    std::string method;
    std::string target;
    std::string host;
    std::string user_agent;
    std::string authorization;
    std::string content_length;
    std::string body;
    std::string sni;     // "" when the client sent none
    int connection = 0;  // 1 for the server's first connection
    int index = 0;       // 1 for the first request on its connection
};

// How the server answers one request.
struct Reply {
    unsigned status = 200;
    std::string body = "ok";
    std::vector<std::pair<std::string, std::string>> headers;
    bool connection_close = false;  // answer with "Connection: close", then close
    bool close_after = false;       // answer, then close without having said so
    bool drop = false;              // close without answering
    bool hang = false;              // never answer (until the server stops)
    bool interim = false;           // send a 103 before the answer
    bool chunked = false;           // send the body with chunked transfer coding
};

class TestServer {
  public:
    struct Options {
        bool tls = true;
        std::vector<std::string> names{"127.0.0.1"};  // the certificate's names
        bool cn_only = false;  // the first name as the subject's CN, and no SAN
        bool tls12_only = false;
        std::string address = "127.0.0.1";  // where it listens
    };
    using Handler = std::function<Reply(const Seen &)>;

    TestServer(const test::TestCa &ca, Options options, Handler handler)
        : options_(std::move(options)),
          handler_(std::move(handler)),
          context_(ssl::context::tls_server) {
        if (options_.tls) {
            const test::KeyAndCert kc = options_.cn_only
                                            ? ca.issue_cn_only_cert(options_.names.front())
                                            : ca.issue_server_cert(options_.names);
            context_.use_certificate_chain(net::buffer(kc.cert_pem));
            context_.use_private_key(net::buffer(kc.key_pem), ssl::context::pem);
            if (options_.tls12_only) {
                SSL_CTX_set_max_proto_version(context_.native_handle(), TLS1_2_VERSION);
            }
        }
        const auto address = net::ip::make_address(options_.address);
        acceptor_.open(address.is_v6() ? tcp::v6() : tcp::v4());
        acceptor_.bind({address, 0});
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        accept_thread_ = std::thread([this] { accept_loop(); });
    }

    ~TestServer() { stop(); }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            if (stopping_)
                return;
            stopping_ = true;
            for (const int fd : open_fds_)
                ::shutdown(fd, SHUT_RDWR);
        }
        stop_cv_.notify_all();
        {
            // Wakes the blocking accept.
            net::io_context ioc;
            tcp::socket wake(ioc);
            error_code ignored;
            wake.connect({net::ip::make_address(options_.address), port_}, ignored);
        }
        accept_thread_.join();
        for (auto &thread : threads_)
            thread.join();
    }

    std::string url(const std::string &target = "/") const {
        return std::string(options_.tls ? "https" : "http") +
               "://127.0.0.1:" + std::to_string(port_) + target;
    }
    std::uint16_t port() const { return port_; }
    int connections() const {
        std::lock_guard lock(mutex_);
        return connections_;
    }
    std::vector<Seen> seen() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }

  private:
    void accept_loop() {
        for (;;) {
            tcp::socket socket(ioc_);
            error_code ec;
            acceptor_.accept(socket, ec);
            std::lock_guard lock(mutex_);
            if (stopping_)
                return;
            if (ec)
                continue;
            const int number = ++connections_;
            threads_.emplace_back(
                [this, s = std::move(socket), number]() mutable { serve(std::move(s), number); });
        }
    }

    void serve(tcp::socket socket, int number) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_)
                return;
            open_fds_.insert(socket.native_handle());
        }
        if (options_.tls) {
            ssl::stream<tcp::socket &> stream(socket, context_);
            error_code ec;
            stream.handshake(ssl::stream_base::server, ec);
            if (!ec) {
                const char *sni =
                    SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
                converse(stream, number, sni != nullptr ? sni : "");
            }
        } else {
            converse(socket, number, "");
        }
        {
            std::lock_guard lock(mutex_);
            open_fds_.erase(socket.native_handle());
        }
        error_code ignored;
        socket.close(ignored);  // no close_notify: like a server that just drops idle connections
    }

    template <typename Stream>
    void converse(Stream &stream, int number, const std::string &sni) {
        beast::flat_buffer buffer;
        for (int index = 1;; ++index) {
            bhttp::request<bhttp::string_body> request;
            error_code ec;
            bhttp::read(stream, buffer, request, ec);
            if (ec)
                return;
            Seen seen;
            seen.method = std::string(request.method_string());
            seen.target = std::string(request.target());
            seen.host = std::string(request[bhttp::field::host]);
            seen.user_agent = std::string(request[bhttp::field::user_agent]);
            seen.authorization = std::string(request[bhttp::field::authorization]);
            seen.content_length = std::string(request[bhttp::field::content_length]);
            seen.body = request.body();
            seen.sni = sni;
            seen.connection = number;
            seen.index = index;
            {
                std::lock_guard lock(mutex_);
                seen_.push_back(seen);
            }
            const Reply reply = handler_(seen);
            if (reply.hang) {
                std::unique_lock lock(mutex_);
                stop_cv_.wait(lock, [this] { return stopping_; });
                return;
            }
            if (reply.drop)
                return;
            if (reply.interim) {
                static const std::string early = "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n";
                net::write(stream, net::buffer(early), ec);
            }
            bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(reply.status),
                                                         11};
            for (const auto &[name, value] : reply.headers)
                response.set(name, value);
            response.body() = reply.body;
            response.keep_alive(request.keep_alive() && !reply.connection_close);
            if (reply.chunked) {
                response.chunked(true);
            } else {
                response.prepare_payload();
            }
            bhttp::write(stream, response, ec);
            if (ec || !response.keep_alive() || reply.close_after)
                return;
        }
    }

    const Options options_;
    const Handler handler_;
    ssl::context context_;
    net::io_context ioc_;
    tcp::acceptor acceptor_{ioc_};
    std::uint16_t port_ = 0;
    std::thread accept_thread_;

    mutable std::mutex mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    int connections_ = 0;
    std::set<int> open_fds_;
    std::vector<std::thread> threads_;
    std::vector<Seen> seen_;
};

Reply ok(const Seen &) {
    return {};
}

// A CA, its certificate in a file, and client options that trust it.
struct Pki {
    test::TestCa ca;
    test::TempDir dir;
    std::string ca_file = test::write_pem(dir.file("ca.pem"), ca.cert_pem());

    ClientOptions options() const {
        ClientOptions options;
        options.ca_file = ca_file;
        options.user_agent = "wisepay-test/1";
        return options;
    }
};

Request request_to(const std::string &url, bhttp::verb method = bhttp::verb::get) {
    Request request;
    request.method = method;
    auto parsed = parse_url(url);
    REQUIRE(parsed);
    request.url = *parsed;
    return request;
}

Clock::time_point in(std::chrono::milliseconds ms) {
    return Clock::now() + ms;
}

// The TransportError that send() throws, or nothing when it succeeds.
std::optional<TransportError> failure_of(Client &client, const Request &request,
                                         Clock::time_point deadline) {
    try {
        client.send(request, deadline);
    } catch (const TransportError &e) {
        return e;
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("http client: GET and POST round trips carry Host, User-Agent and the body") {
    Pki pki;
    TestServer server(pki.ca, {}, [](const Seen &seen) {
        Reply reply;
        reply.body = "hello " + seen.method + " " + seen.body;
        reply.headers = {{"Content-Type", "text/plain"}, {"Retry-After", "7"}};
        return reply;
    });
    Client client(pki.options());

    const Response got = client.send(request_to(server.url("/v1/thing?x=1")), in(5s));
    CHECK(got.status == 200);
    CHECK(got.body_text() == "hello GET ");
    CHECK(got.content_type == "text/plain");
    CHECK(got.retry_after == "7");
    CHECK_FALSE(got.reused_connection);

    Request post = request_to(server.url("/v1/things"), bhttp::verb::post);
    post.headers.emplace_back("Authorization", "Bearer sk_test_123");
    post.headers.emplace_back("Content-Type", "application/json");
    post.body = R"({"a":1})";
    const Response posted = client.send(post, in(5s));
    CHECK(posted.status == 200);
    CHECK(posted.body_text() == R"(hello POST {"a":1})");

    const auto seen = server.seen();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].method == "GET");
    CHECK(seen[0].target == "/v1/thing?x=1");
    CHECK(seen[0].host == "127.0.0.1:" + std::to_string(server.port()));
    CHECK(seen[0].user_agent == "wisepay-test/1");
    CHECK(seen[0].content_length.empty());
    CHECK(seen[0].sni.empty());  // no SNI for an IP literal
    CHECK(seen[1].method == "POST");
    CHECK(seen[1].target == "/v1/things");
    CHECK(seen[1].authorization == "Bearer sk_test_123");
    CHECK(seen[1].content_length == "7");
    CHECK(seen[1].body == R"({"a":1})");
    CHECK(seen[1].user_agent == "wisepay-test/1");
}

TEST_CASE("http client: a given User-Agent replaces the configured one, and lengths follow HTTP") {
    Pki pki;
    TestServer server(pki.ca, {}, ok);
    Client client(pki.options());
    Request post = request_to(server.url("/v1/empty"), bhttp::verb::post);
    post.headers.emplace_back("User-Agent", "caller/2");
    CHECK(client.send(post, in(5s)).status == 200);
    CHECK(client.send(request_to(server.url("/v1/x"), bhttp::verb::delete_), in(5s)).status == 200);

    const auto seen = server.seen();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].user_agent == "caller/2");
    CHECK(seen[0].content_length == "0");  // a POST says so even without a body
    CHECK(seen[0].body.empty());
    CHECK(seen[1].method == "DELETE");
    CHECK(seen[1].user_agent == "wisepay-test/1");
    CHECK(seen[1].content_length.empty());
    CHECK(seen[1].connection == 1);  // the first request was framed right
}

TEST_CASE("http client: an IPv6 literal is verified against the certificate, Host in brackets") {
    Pki pki;
    TestServer server(pki.ca, {.names = {"::1"}, .address = "::1"}, ok);
    Client client(pki.options());
    const std::string url = "https://[::1]:" + std::to_string(server.port()) + "/";
    CHECK(client.send(request_to(url), in(5s)).status == 200);
    const auto seen = server.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].sni.empty());
    CHECK(seen[0].host == "[::1]:" + std::to_string(server.port()));
}

TEST_CASE("http client: a host name is resolved, sent as SNI and verified") {
    Pki pki;
    TestServer server(pki.ca, {.names = {"localhost"}}, ok);
    Client client(pki.options());
    const std::string url = "https://localhost:" + std::to_string(server.port()) + "/";
    const Response response = client.send(request_to(url), in(5s));
    CHECK(response.status == 200);
    const auto seen = server.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].sni == "localhost");
    CHECK(seen[0].host == "localhost:" + std::to_string(server.port()));
}

TEST_CASE("http client: keep-alive serves later requests on the same connection") {
    Pki pki;
    TestServer server(pki.ca, {}, ok);
    Client client(pki.options());

    CHECK_FALSE(client.send(request_to(server.url()), in(5s)).reused_connection);
    CHECK(client.send(request_to(server.url()), in(5s)).reused_connection);
    CHECK(client.send(request_to(server.url()), in(5s)).reused_connection);

    CHECK(server.connections() == 1);
    const auto stats = client.pool_stats();
    CHECK(stats.idle == 1);
    CHECK(stats.connects == 1);
    CHECK(stats.reuses == 2);
}

TEST_CASE("http client: an interim 1xx answer is skipped") {
    Pki pki;
    TestServer server(pki.ca, {}, [](const Seen &) {
        Reply reply;
        reply.interim = true;
        reply.status = 201;
        return reply;
    });
    Client client(pki.options());
    CHECK(client.send(request_to(server.url()), in(5s)).status == 201);
    CHECK(client.send(request_to(server.url()), in(5s)).status == 201);
    CHECK(server.connections() == 1);
}

TEST_CASE("http client: eight threads send at once") {
    Pki pki;
    TestServer server(pki.ca, {}, [](const Seen &seen) {
        Reply reply;
        reply.body = seen.target;
        return reply;
    });
    Client client(pki.options());
    constexpr int kThreads = 8;
    constexpr int kRequests = 6;
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int r = 0; r < kRequests; ++r) {
                const std::string target = "/t" + std::to_string(t) + "/r" + std::to_string(r);
                try {
                    const Response response = client.send(request_to(server.url(target)), in(10s));
                    if (response.status == 200 && response.body_text() == target)
                        ++good;
                } catch (const TransportError &) {
                }
            }
        });
    }
    for (auto &thread : threads)
        thread.join();
    CHECK(good == kThreads * kRequests);
    const auto stats = client.pool_stats();
    CHECK(stats.connects <= kThreads);
    CHECK(stats.connects + stats.reuses == kThreads * kRequests);
    CHECK(stats.idle == stats.connects);
    CHECK(server.connections() == static_cast<int>(stats.connects));
}

TEST_CASE("http client: the deadline bounds every phase") {
    Pki pki;
    Client client(pki.options());

    SECTION("a server that never answers") {
        TestServer server(pki.ca, {}, [](const Seen &) {
            Reply reply;
            reply.hang = true;
            return reply;
        });
        const auto start = Clock::now();
        const auto error = failure_of(client, request_to(server.url()), start + 300ms);
        const auto elapsed = Clock::now() - start;
        REQUIRE(error);
        CHECK(error->failure() == Failure::kTimeout);
        CHECK(error->request_sent());
        CHECK(elapsed >= 290ms);
        CHECK(elapsed < 500ms);
        CHECK(client.pool_stats().idle == 0);
    }
    SECTION("a server that accepts TCP but never does the TLS handshake") {
        net::io_context ioc;
        tcp::acceptor silent(ioc, {net::ip::make_address("127.0.0.1"), 0});  // never accepts
        const std::string url =
            "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/";
        const auto start = Clock::now();
        const auto error = failure_of(client, request_to(url), start + 300ms);
        const auto elapsed = Clock::now() - start;
        REQUIRE(error);
        CHECK(error->failure() == Failure::kTimeout);
        CHECK_FALSE(error->request_sent());
        CHECK(elapsed >= 290ms);
        CHECK(elapsed < 500ms);
    }
    SECTION("a server that never reads a request too large for the socket buffers") {
        // Plain http: the kernel completes the TCP connect of a listener
        // that never accepts, so only the write can wait. Its small receive
        // buffer (queued connections inherit it) keeps what the kernels can
        // hold well below the request.
        ClientOptions options = pki.options();
        options.allow_plain_http = true;
        Client plain(options);
        net::io_context ioc;
        tcp::acceptor silent(ioc);
        silent.open(tcp::v4());
        silent.set_option(net::socket_base::receive_buffer_size(4096));
        silent.bind({net::ip::make_address("127.0.0.1"), 0});
        silent.listen();  // never accepts
        Request request =
            request_to("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/",
                       bhttp::verb::post);
        request.body.assign(16 << 20, 'x');
        // Long enough for the request to be made first, sanitized builds too.
        const auto start = Clock::now();
        const auto error = failure_of(plain, request, start + 1000ms);
        const auto elapsed = Clock::now() - start;
        REQUIRE(error);
        CHECK(error->failure() == Failure::kTimeout);
        CHECK(error->request_sent());
        CHECK(elapsed >= 990ms);
        CHECK(elapsed < 1500ms);
    }
    SECTION("a deadline that has already passed") {
        TestServer server(pki.ca, {}, ok);
        const auto error = failure_of(client, request_to(server.url()), Clock::now() - 1ms);
        REQUIRE(error);
        CHECK(error->failure() == Failure::kTimeout);
        CHECK_FALSE(error->request_sent());
        CHECK(server.connections() == 0);
    }
    SECTION("a name that does not resolve fails within the deadline") {
        const auto start = Clock::now();
        const auto error =
            failure_of(client, request_to("https://no-such-host.invalid/"), start + 1000ms);
        REQUIRE(error);
        CHECK((error->failure() == Failure::kConnect || error->failure() == Failure::kTimeout));
        CHECK_FALSE(error->request_sent());
        CHECK(Clock::now() - start < 1200ms);
    }
}

TEST_CASE("http client: a closed port gives kConnect") {
    Pki pki;
    std::uint16_t port = 0;
    {
        net::io_context ioc;
        tcp::acceptor probe(ioc, {net::ip::make_address("127.0.0.1"), 0});
        port = probe.local_endpoint().port();
    }
    Client client(pki.options());
    const auto error =
        failure_of(client, request_to("https://127.0.0.1:" + std::to_string(port) + "/"), in(2s));
    REQUIRE(error);
    CHECK(error->failure() == Failure::kConnect);
    CHECK_FALSE(error->request_sent());
}

TEST_CASE("http client: an untrusted certificate or a wrong host name gives kTls") {
    Pki pki;
    SECTION("signed by a CA the client does not trust") {
        test::TestCa other("Some other CA");
        TestServer server(other, {}, ok);
        Client client(pki.options());
        const auto error = failure_of(client, request_to(server.url()), in(5s));
        REQUIRE(error);
        CHECK(error->failure() == Failure::kTls);
        CHECK_FALSE(error->request_sent());
        CHECK(server.seen().empty());
    }
    SECTION("a trusted certificate for another name") {
        TestServer server(pki.ca, {.names = {"wrong.example", "127.0.0.2"}}, ok);
        Client client(pki.options());
        const auto error = failure_of(client, request_to(server.url()), in(5s));
        REQUIRE(error);
        CHECK(error->failure() == Failure::kTls);
        CHECK(server.seen().empty());
    }
    SECTION("a trusted certificate that names the host only in its CN, with no SAN") {
        // Browsers refuse these (RFC 6125 6.4.4); so must the client.
        TestServer server(pki.ca, {.names = {"localhost"}, .cn_only = true}, ok);
        Client client(pki.options());
        const std::string url = "https://localhost:" + std::to_string(server.port()) + "/";
        const auto error = failure_of(client, request_to(url), in(5s));
        REQUIRE(error);
        CHECK(error->failure() == Failure::kTls);
        CHECK(std::string(error->what()).find("hostname mismatch") != std::string::npos);
        CHECK(server.seen().empty());
    }
    SECTION("an IP address only in the CN, with no SAN") {
        TestServer server(pki.ca, {.names = {"127.0.0.1"}, .cn_only = true}, ok);
        Client client(pki.options());
        const auto error = failure_of(client, request_to(server.url()), in(5s));
        REQUIRE(error);
        CHECK(error->failure() == Failure::kTls);
        CHECK(server.seen().empty());
    }
    SECTION("the system CA store does not trust the test CA") {
        TestServer server(pki.ca, {}, ok);
        ClientOptions options = pki.options();
        options.ca_file.clear();
        Client client(options);
        const auto error = failure_of(client, request_to(server.url()), in(5s));
        REQUIRE(error);
        CHECK(error->failure() == Failure::kTls);
    }
    SECTION("a CA file that cannot be read is refused up front") {
        ClientOptions options = pki.options();
        options.ca_file = pki.dir.file("missing.pem");
        try {
            Client client(options);
            FAIL("the client was built without its CA file");
        } catch (const TrustStoreError &e) {
            CHECK(e.file() == options.ca_file);
            CHECK_THAT(e.what(),
                       Catch::Contains(options.ca_file) && Catch::Contains("does not exist"));
        }
    }
}

TEST_CASE("http client: a chunked answer is read whole, within the body limit") {
    Pki pki;
    TestServer server(pki.ca, {}, [](const Seen &seen) {
        Reply reply;
        reply.chunked = true;
        reply.body = seen.target == "/big" ? std::string(64 * 1024 + 1, 'x') : "hello chunked";
        reply.headers = {{"Content-Type", "text/plain"}};
        return reply;
    });
    Client client(pki.options());
    const Response got = client.send(request_to(server.url("/a")), in(5s));
    CHECK(got.status == 200);
    CHECK(got.body_text() == "hello chunked");
    CHECK(got.content_type == "text/plain");
    CHECK(got.retry_after.empty());
    CHECK(client.send(request_to(server.url("/b")), in(5s)).reused_connection);

    const auto error = failure_of(client, request_to(server.url("/big")), in(5s));
    REQUIRE(error);
    CHECK(error->failure() == Failure::kBodyTooLarge);
}

TEST_CASE("http client: answers over the limits give kBodyTooLarge") {
    Pki pki;
    TestServer server(pki.ca, {}, [](const Seen &seen) {
        Reply reply;
        if (seen.target == "/big")
            reply.body = std::string(64 * 1024 + 1, 'x');
        if (seen.target == "/limit")
            reply.body = std::string(64 * 1024, 'x');
        if (seen.target == "/big-header")
            reply.headers = {{"X-Filler", std::string(20000, 'h')}};
        return reply;
    });
    Client client(pki.options());

    CHECK(client.send(request_to(server.url("/limit")), in(5s)).body.size() == 64 * 1024);

    auto error = failure_of(client, request_to(server.url("/big")), in(5s));
    REQUIRE(error);
    CHECK(error->failure() == Failure::kBodyTooLarge);

    error = failure_of(client, request_to(server.url("/big-header")), in(5s));
    REQUIRE(error);
    CHECK(error->failure() == Failure::kBodyTooLarge);

    // Neither failed connection went back to the pool.
    CHECK(client.pool_stats().idle == 0);
    CHECK(client.send(request_to(server.url("/small")), in(5s)).status == 200);
}

TEST_CASE("http client: a pooled connection the server closed is replaced transparently") {
    Pki pki;
    SECTION("closed while idle") {
        TestServer server(pki.ca, {}, [](const Seen &) {
            Reply reply;
            reply.close_after = true;  // no "Connection: close": the client pools it
            return reply;
        });
        Client client(pki.options());
        CHECK(client.send(request_to(server.url()), in(5s)).status == 200);
        CHECK(client.pool_stats().idle == 1);
        std::this_thread::sleep_for(50ms);  // the FIN arrives
        const Response second = client.send(request_to(server.url()), in(5s));
        CHECK(second.status == 200);
        CHECK_FALSE(second.reused_connection);
        CHECK(server.connections() == 2);
        CHECK(server.seen().size() == 2);
    }
    SECTION("closed as the next request arrives: sent once more on a new connection") {
        TestServer server(pki.ca, {}, [](const Seen &seen) {
            Reply reply;
            reply.drop = seen.index > 1;  // only the first request per connection is answered
            return reply;
        });
        Client client(pki.options());
        CHECK(client.send(request_to(server.url()), in(5s)).status == 200);
        const Response second = client.send(request_to(server.url()), in(5s));
        CHECK(second.status == 200);
        CHECK_FALSE(second.reused_connection);
        CHECK(server.connections() == 2);
        const auto seen = server.seen();
        REQUIRE(seen.size() == 3);  // first, dropped second, second again
        CHECK(seen[1].connection == 1);
        CHECK(seen[2].connection == 2);
        const auto stats = client.pool_stats();
        CHECK(stats.connects == 2);
        CHECK(stats.reuses == 1);
    }
    SECTION("a new connection that breaks is not retried") {
        TestServer server(pki.ca, {}, [](const Seen &) {
            Reply reply;
            reply.drop = true;
            return reply;
        });
        Client client(pki.options());
        const auto error = failure_of(client, request_to(server.url()), in(5s));
        REQUIRE(error);
        CHECK(error->failure() == Failure::kConnectionLost);
        CHECK(error->request_sent());
        CHECK(server.connections() == 1);
        CHECK(server.seen().size() == 1);
    }
    SECTION("a pooled connection whose retry also breaks: one retry only") {
        TestServer server(pki.ca, {}, [](const Seen &seen) {
            Reply reply;
            reply.drop = seen.connection > 1 || seen.index > 1;
            return reply;
        });
        Client client(pki.options());
        CHECK(client.send(request_to(server.url()), in(5s)).status == 200);
        const auto error = failure_of(client, request_to(server.url()), in(5s));
        REQUIRE(error);
        CHECK(error->failure() == Failure::kConnectionLost);
        CHECK(error->request_sent());
        CHECK(server.connections() == 2);
        CHECK(server.seen().size() == 3);
    }
}

TEST_CASE("http client: idle connections are capped and expire") {
    Pki pki;
    TestServer server(pki.ca, {}, ok);
    SECTION("older than idle_timeout: not reused") {
        ClientOptions options = pki.options();
        options.idle_timeout = 0s;
        Client client(options);
        client.send(request_to(server.url()), in(5s));
        CHECK_FALSE(client.send(request_to(server.url()), in(5s)).reused_connection);
        CHECK(client.pool_stats().connects == 2);
        CHECK(client.pool_stats().idle == 0);
    }
    SECTION("no pool at all") {
        ClientOptions options = pki.options();
        options.max_idle_per_origin = 0;
        Client client(options);
        client.send(request_to(server.url()), in(5s));
        CHECK_FALSE(client.send(request_to(server.url()), in(5s)).reused_connection);
        CHECK(client.pool_stats().idle == 0);
    }
    SECTION("the pool keeps at most max_idle_per_origin per origin") {
        ClientOptions options = pki.options();
        options.max_idle_per_origin = 2;
        Client client(options);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int r = 0; r < 3; ++r) {
                    try {
                        client.send(request_to(server.url()), in(10s));
                    } catch (const TransportError &) {
                    }
                }
            });
        }
        for (auto &thread : threads)
            thread.join();
        CHECK(client.pool_stats().idle <= 2);
        CHECK(client.pool_stats().idle >= 1);
    }
}

TEST_CASE("http client: plain http only when allowed") {
    Pki pki;
    TestServer server(pki.ca, {.tls = false}, ok);
    SECTION("refused by default, before any connection") {
        Client client(pki.options());
        const auto error = failure_of(client, request_to(server.url()), in(5s));
        REQUIRE(error);
        CHECK(error->failure() == Failure::kRefused);
        CHECK_FALSE(error->request_sent());
        CHECK(server.connections() == 0);
    }
    SECTION("allowed: round trips and keep-alive as with TLS") {
        ClientOptions options = pki.options();
        options.allow_plain_http = true;
        Client client(options);
        const Response first = client.send(request_to(server.url()), in(5s));
        CHECK(first.status == 200);
        CHECK_FALSE(first.tls_session_resumed);
        CHECK(client.send(request_to(server.url()), in(5s)).reused_connection);
        CHECK(server.connections() == 1);
    }
}

TEST_CASE("http client: a new connection resumes the last TLS session") {
    Pki pki;
    // Each answer closes its connection, so every request needs a new one.
    // TLS 1.3 sessions (tickets) arrive after the handshake; the client takes
    // them while reading the first answer, so the second connection can use one.
    const bool tls12 = GENERATE(false, true);
    CAPTURE(tls12);
    TestServer server(pki.ca, {.tls12_only = tls12}, [](const Seen &) {
        Reply reply;
        reply.connection_close = true;
        return reply;
    });
    Client client(pki.options());
    const Response first = client.send(request_to(server.url()), in(5s));
    CHECK_FALSE(first.tls_session_resumed);
    const Response second = client.send(request_to(server.url()), in(5s));
    CHECK_FALSE(second.reused_connection);
    CHECK(second.tls_session_resumed);
    const Response third = client.send(request_to(server.url()), in(5s));
    CHECK(third.tls_session_resumed);
    const auto stats = client.pool_stats();
    CHECK(stats.connects == 3);
    CHECK(stats.tls_resumptions == 2);
    CHECK(server.connections() == 3);
}

TEST_CASE("http client: requests that cannot be sent as asked are refused") {
    Pki pki;
    TestServer server(pki.ca, {}, ok);
    Client client(pki.options());
    Request request = request_to(server.url());
    SECTION("a header value with CR LF") {
        request.headers.emplace_back("Authorization", "Bearer sk_live_SECRET\r\nX-Evil: 1");
    }
    SECTION("a header name that is not a token") {
        request.headers.emplace_back("Bad Name", "x");
    }
    SECTION("a header the client manages") {
        request.headers.emplace_back("content-length", "5");
    }
    SECTION("a target that is not a path") {
        request.url.target = "no-slash";
    }
    SECTION("an unknown method") {
        request.method = bhttp::verb::unknown;
    }
    const auto error = failure_of(client, request, in(5s));
    REQUIRE(error);
    CHECK(error->failure() == Failure::kRefused);
    CHECK_FALSE(error->request_sent());
    CHECK(std::string(error->what()).find("SECRET") == std::string::npos);
    CHECK(server.connections() == 0);
}

TEST_CASE("http client: every control character in a header value is refused, wherever it is") {
    Pki pki;
    TestServer server(pki.ca, {}, ok);
    Client client(pki.options());
    // Values are checked eight bytes at a time, then byte by byte: put the
    // character at each place in a word and in the tail.
    const std::string key = "sk_live_SECRET_0123456789abcdefghij";
    for (int c = 0; c < 0x80; ++c) {
        if (c >= 0x20 && c != 0x7F)
            continue;
        for (std::size_t at = 0; at < 20; ++at) {
            std::string value = key;
            value[at] = static_cast<char>(c);
            Request request = request_to(server.url());
            request.headers.emplace_back("Authorization", value);
            const auto error = failure_of(client, request, in(5s));
            INFO("byte " << c << " at " << at);
            if (c == '\t') {
                CHECK_FALSE(error);
            } else {
                REQUIRE(error);
                CHECK(error->failure() == Failure::kRefused);
            }
        }
    }
    // Space, obs-text and DEL's neighbours pass.
    Request request = request_to(server.url());
    request.headers.emplace_back("X-Text", std::string("a b\x7e\x80\xff caf\xc3\xa9 \t end"));
    CHECK_FALSE(failure_of(client, request, in(5s)));
}

TEST_CASE("http client: error messages hold no header value or body") {
    Pki pki;
    TestServer server(pki.ca, {}, [](const Seen &seen) {
        Reply reply;
        if (seen.target.rfind("/hang", 0) == 0)
            reply.hang = true;
        if (seen.target == "/big")
            reply.body = "sk_live_SECRET" + std::string(70000, 'x');
        if (seen.target == "/drop")
            reply.drop = true;
        return reply;
    });
    Client client(pki.options());
    for (const std::string target : {"/hang?token=sk_live_SECRET", "/big", "/drop"}) {
        Request request = request_to(server.url(target), bhttp::verb::post);
        request.headers.emplace_back("Authorization", "Bearer sk_live_SECRET");
        request.body = R"({"key":"sk_live_SECRET"})";
        const auto error = failure_of(client, request, in(300ms));
        REQUIRE(error);
        CAPTURE(error->what());
        CHECK(std::string(error->what()).find("SECRET") == std::string::npos);
    }
}
