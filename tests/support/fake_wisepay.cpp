// FakeWisePay's server: an acceptor thread and a thread per connection (TLS
// handshake, then synchronous Beast reads and writes). Each request to one of
// the two endpoints takes the current fault, counting it down; stopping shuts
// down every open socket to wake the thread blocked on it.
#include "tests/support/fake_wisepay.h"

#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "tests/support/temp_dir.h"
#include "tests/support/test_pki.h"

namespace wisepay::test {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

constexpr std::string_view kSsoPath = "/api/integrations/deskdirector/v1/sso-sessions";
constexpr std::string_view kMerchantPath = "/api/integrations/deskdirector/v1/merchant";
constexpr std::uint64_t kRequestBodyLimit = 1024 * 1024;
constexpr std::size_t kHugeBodySize = 10 * 1024 * 1024;
constexpr std::int64_t kSessionLifetimeSeconds = 120;

enum class Route { kSsoSessions, kMerchant, kOther };

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The key payers are looked up by: ASCII lower case, surrounding white space gone.
std::string email_key(std::string_view email) {
    while (!email.empty() && is_space(email.front()))
        email.remove_prefix(1);
    while (!email.empty() && is_space(email.back()))
        email.remove_suffix(1);
    std::string out(email);
    for (char &c : out)
        c = ascii_lower(c);
    return out;
}

// The key in "Bearer <key>" (scheme case ignored), or "" when there is none.
std::string bearer_key(std::string_view authorization) {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size())
        return "";
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (ascii_lower(authorization[i]) != kScheme[i])
            return "";
    }
    authorization.remove_prefix(kScheme.size());
    while (!authorization.empty() && authorization.front() == ' ')
        authorization.remove_prefix(1);
    return std::string(authorization);
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
        throw std::runtime_error("fake Wise-Pay: RAND_bytes failed");
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    for (unsigned char b : raw) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0x0F]);
    }
    return out;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string error_body(const std::string &code) {
    return json::serialize(json::object{{"error", json::object{{"code", code}}}});
}

Route route_of(const FakeWisePay::Request &request) {
    if (request.method == "POST" && request.target == kSsoPath)
        return Route::kSsoSessions;
    if (request.method == "GET" && request.target == kMerchantPath)
        return Route::kMerchant;
    return Route::kOther;
}

struct Answer {
    unsigned status = 200;
    std::string body;
    std::string retry_after;  // empty: no Retry-After header
};

struct Merchant {
    std::string id;
    std::string name;
    bool integration_enabled = true;
    std::map<std::string, std::string> payers;  // email_key -> the email as added
};

// `json` with every '/' written as "\/", as PHP's json_encode does by
// default. Same document: outside strings JSON has no '/', and inside one
// "\/" means '/'.
std::string with_escaped_slashes(const std::string &json) {
    std::string out;
    out.reserve(json.size() + json.size() / 8);
    for (const char c : json) {
        if (c == '/')
            out += "\\/";
        else
            out += c;
    }
    return out;
}

// The status line and header fields of `response`, as on the wire.
std::string wire_header(const http::response<http::string_body> &response) {
    std::string out = "HTTP/1.1 " + std::to_string(response.result_int()) + " " +
                      std::string(response.reason()) + "\r\n";
    for (const auto &field : response) {
        out += std::string(field.name_string());
        out += ": ";
        out += std::string(field.value());
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

}  // namespace

struct FakeWisePay::Impl {
    explicit Impl(Certificate certificate);
    ~Impl();

    void stop();
    void accept_loop();
    void serve(std::uint64_t id, tcp::socket socket);
    // Forgets connection `id`: after this the destructor no longer touches its
    // descriptor, so the descriptor may be closed.
    void release(std::uint64_t id);
    Fault take_fault();
    // Waits `delay`; false when the server is stopping.
    bool wait_unless_stopping(std::chrono::milliseconds delay);
    Answer answer(const Request &request, Route route, Fault taken);
    Answer answer_sso(const Request &request, const Merchant &merchant, Fault taken);
    void send_huge_body(ssl::stream<tcp::socket> &stream);

    TempDir dir;  // first member, so it is removed last
    std::string ca_file;
    net::io_context ioc;
    ssl::context tls{ssl::context::tls_server};
    tcp::acceptor acceptor{ioc};
    int listen_fd = -1;
    std::uint16_t port = 0;
    std::string own_host;  // "127.0.0.1:<port>"

    mutable std::mutex mutex;
    std::condition_variable stop_cv;
    std::atomic<bool> stopping{false};  // written under `mutex`
    std::atomic<std::size_t> accepted{0};
    std::map<std::string, Merchant> merchants;  // by API key
    std::size_t merchants_added = 0;
    std::string registration_url;
    Fault fault = Fault::kNone;
    int fault_times = 0;
    std::chrono::milliseconds slow_delay{3000};
    std::vector<Request> requests;
    bool keep_requests = true;
    std::size_t requests_received = 0;
    std::string last_token;
    bool escape_slashes = false;
    std::vector<std::string> tokens;  // every token issued while keep_requests
    std::uint64_t next_connection_id = 0;
    std::map<std::uint64_t, int> open_connections;  // id -> descriptor, while not yet closed
    std::vector<std::thread> connection_threads;    // appended to by the acceptor thread only
    std::thread acceptor_thread;
};

FakeWisePay::Impl::Impl(Certificate certificate) {
    const TestCa trusted;
    ca_file = write_pem(dir.file("ca.pem"), trusted.cert_pem());
    KeyAndCert server;
    switch (certificate) {
        case Certificate::kValid:
            server = trusted.issue_server_cert({"127.0.0.1", "localhost"});
            break;
        case Certificate::kWrongHostName:
            server = trusted.issue_server_cert({"other.example"});
            break;
        case Certificate::kUnknownCa:
            server = TestCa("Some other test CA").issue_server_cert({"127.0.0.1", "localhost"});
            break;
    }
    if (SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION) != 1)
        throw std::runtime_error("fake Wise-Pay: cannot require TLS 1.2");
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::single_dh_use);
    tls.use_certificate_chain(net::buffer(server.cert_pem));
    tls.use_private_key(net::buffer(server.key_pem), ssl::context::pem);

    const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), 0);
    acceptor.open(endpoint.protocol());
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    listen_fd = acceptor.native_handle();
    port = acceptor.local_endpoint().port();
    own_host = "127.0.0.1:" + std::to_string(port);
    acceptor_thread = std::thread([this] { accept_loop(); });
}

FakeWisePay::Impl::~Impl() {
    stop();
}

void FakeWisePay::Impl::stop() {
    {
        std::lock_guard lock(mutex);
        if (stopping)
            return;
        stopping = true;
        // Wakes threads blocked reading or writing; their descriptors stay
        // open until they release() them, so none of these is a stale number.
        for (const auto &[id, fd] : open_connections)
            ::shutdown(fd, SHUT_RDWR);
    }
    stop_cv.notify_all();
    // On Linux this makes a blocked accept() return (EINVAL).
    ::shutdown(listen_fd, SHUT_RDWR);
    if (acceptor_thread.joinable())
        acceptor_thread.join();
    // The acceptor thread is gone, so nobody appends to connection_threads.
    for (auto &thread : connection_threads)
        thread.join();
    error_code ignored;
    acceptor.close(ignored);
}

void FakeWisePay::Impl::accept_loop() {
    while (!stopping) {
        tcp::socket socket(ioc);
        error_code ec;
        acceptor.accept(socket, ec);
        if (ec) {
            if (stopping)
                break;
            wait_unless_stopping(std::chrono::milliseconds(10));  // e.g. out of descriptors
            continue;
        }
        ++accepted;
        socket.set_option(tcp::no_delay(true), ec);
        std::lock_guard lock(mutex);
        if (stopping)
            break;  // the socket closes here; stop() has already woken the others
        const std::uint64_t id = next_connection_id++;
        open_connections[id] = socket.native_handle();
        connection_threads.emplace_back(
            [this, id, s = std::move(socket)]() mutable { serve(id, std::move(s)); });
    }
}

void FakeWisePay::Impl::release(std::uint64_t id) {
    std::lock_guard lock(mutex);
    open_connections.erase(id);
}

FakeWisePay::Fault FakeWisePay::Impl::take_fault() {
    std::lock_guard lock(mutex);
    if (fault == Fault::kNone || fault_times == 0)
        return Fault::kNone;
    const Fault taken = fault;
    if (fault_times > 0 && --fault_times == 0)
        fault = Fault::kNone;
    return taken;
}

bool FakeWisePay::Impl::wait_unless_stopping(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex);
    return !stop_cv.wait_for(lock, delay, [this] { return stopping.load(); });
}

void FakeWisePay::Impl::serve(std::uint64_t id, tcp::socket socket) {
    ssl::stream<tcp::socket> stream(std::move(socket), tls);
    error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    beast::flat_buffer buffer;
    bool say_goodbye = false;  // send a TLS close_notify before closing
    while (!ec && !stopping) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(kRequestBodyLimit);
        http::read(stream, buffer, parser, ec);
        if (ec)
            break;  // the client hung up, sent garbage or too much
        const http::request<http::string_body> &message = parser.get();
        Request request{std::string(message.method_string()),
                        std::string(message.target()),
                        std::string(message[http::field::authorization]),
                        std::string(message["Idempotency-Key"]),
                        std::string(message[http::field::user_agent]),
                        std::string(message[http::field::content_type]),
                        message.body()};
        {
            std::lock_guard lock(mutex);
            ++requests_received;
            if (keep_requests)
                requests.push_back(request);
        }
        const Route route = route_of(request);
        const Fault taken = route == Route::kOther ? Fault::kNone : take_fault();

        if (taken == Fault::kSlow) {
            std::chrono::milliseconds delay;
            {
                std::lock_guard lock(mutex);
                delay = slow_delay;
            }
            if (!wait_unless_stopping(delay))
                break;
        }
        if (taken == Fault::kHugeBody) {
            send_huge_body(stream);
            break;
        }

        Answer reply = answer(request, route, taken);
        bool escape = false;
        {
            std::lock_guard lock(mutex);
            escape = escape_slashes;
        }
        if (escape)
            reply.body = with_escaped_slashes(reply.body);
        http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                                   message.version()};
        response.set(http::field::server, "fake-wisepay");
        response.set(http::field::content_type, "application/json");
        if (!reply.retry_after.empty())
            response.set(http::field::retry_after, reply.retry_after);
        response.body() = reply.body;
        response.keep_alive(message.keep_alive());
        response.prepare_payload();

        if (taken == Fault::kResetMidAnswer) {
            // Status line, headers (with the full Content-Length) and half the
            // body in one go, then a reset: SO_LINGER 0 makes close() send RST.
            const std::string partial =
                wire_header(response) + reply.body.substr(0, reply.body.size() / 2);
            net::write(stream, net::buffer(partial), ec);
            tcp::socket &tcp_socket = stream.next_layer();
            tcp_socket.set_option(net::socket_base::linger(true, 0), ec);
            release(id);
            tcp_socket.close(ec);
            return;
        }

        http::write(stream, response, ec);
        if (!ec && !response.keep_alive()) {
            say_goodbye = true;
            break;
        }
    }
    if (say_goodbye && !stopping)
        stream.shutdown(ec);  // returns once the client closes or answers
    release(id);
    stream.next_layer().close(ec);
}

void FakeWisePay::Impl::send_huge_body(ssl::stream<tcp::socket> &stream) {
    const std::string head =
        "HTTP/1.1 200 OK\r\nServer: fake-wisepay\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(kHugeBodySize) + "\r\n\r\n";
    error_code ec;
    net::write(stream, net::buffer(head), ec);
    // {"padding":"xxxx...xxxx"} in 64 KiB pieces; stops when the client hangs up.
    const std::string opening = "{\"padding\":\"";
    const std::string closing = "\"}";
    constexpr std::size_t kPiece = 64 * 1024;
    std::string piece(kPiece, 'x');
    std::size_t sent = 0;
    while (!ec && !stopping && sent < kHugeBodySize) {
        const std::size_t size = std::min(kPiece, kHugeBodySize - sent);
        std::fill(piece.begin(), piece.end(), 'x');
        if (sent == 0)
            piece.replace(0, opening.size(), opening);
        if (sent + size == kHugeBodySize)
            piece.replace(size - closing.size(), closing.size(), closing);
        net::write(stream, net::buffer(piece.data(), size), ec);
        sent += size;
    }
}

Answer FakeWisePay::Impl::answer(const Request &request, Route route, Fault taken) {
    if (route == Route::kOther)
        return {404, error_body("not_found"), ""};
    const std::string key = bearer_key(request.authorization);
    switch (taken) {
        case Fault::kServerError: {
            const std::string echoed = key.empty() ? request.authorization : key;
            return {500,
                    json::serialize(json::object{
                        {"error", json::object{{"code", "internal"},
                                               {"message", "boom (key echoed: " + echoed + ")"}}}}),
                    ""};
        }
        case Fault::kUnavailable:
            return {503, error_body("unavailable"), ""};
        case Fault::kBadGateway:
            return {502, error_body("bad_gateway"), ""};
        case Fault::kRateLimited:
            return {429, error_body("rate_limited"), "1"};
        default:
            break;
    }

    std::lock_guard lock(mutex);
    const auto found = merchants.find(key);
    if (key.empty() || found == merchants.end())
        return {401, error_body("unauthorized"), ""};
    const Merchant &merchant = found->second;
    if (route == Route::kMerchant) {
        if (taken == Fault::kMissingFields) {
            return {200,
                    json::serialize(
                        json::object{{"integration_enabled", merchant.integration_enabled}}),
                    ""};
        }
        std::string body = json::serialize(
            json::object{{"merchant", json::object{{"id", merchant.id}, {"name", merchant.name}}},
                         {"integration_enabled", merchant.integration_enabled}});
        if (taken == Fault::kMalformedJson)
            body.resize(body.size() / 2);
        return {200, std::move(body), ""};
    }
    if (!merchant.integration_enabled)
        return {403, error_body("integration_disabled"), ""};
    return answer_sso(request, merchant, taken);
}

// Called with `mutex` held.
Answer FakeWisePay::Impl::answer_sso(const Request &request, const Merchant &merchant,
                                     Fault taken) {
    error_code ec;
    const json::value parsed = json::parse(request.body, ec);
    const json::object *body = !ec && parsed.is_object() ? &parsed.get_object() : nullptr;
    const json::value *email = body ? body->if_contains("payer_email") : nullptr;
    const json::value *invoice = body ? body->if_contains("invoice") : nullptr;
    const json::value *invoice_id =
        invoice && invoice->is_object() ? invoice->get_object().if_contains("id") : nullptr;
    if (!email || !email->is_string() || !invoice_id || !invoice_id->is_string())
        return {400, error_body("bad_request"), ""};

    const std::string asked(email->get_string());
    const auto payer = merchant.payers.find(email_key(asked));
    const bool content_fault = taken >= Fault::kMalformedJson && taken <= Fault::kMissingFields;
    if (payer == merchant.payers.end() && !content_fault) {
        json::object error{{"code", "payer_not_found"}};
        if (!registration_url.empty())
            error["registration_url"] = registration_url;
        return {404, json::serialize(json::object{{"error", std::move(error)}}), ""};
    }
    std::string payer_email = payer != merchant.payers.end() ? payer->second : asked;
    if (taken == Fault::kMissingFields)
        return {200, json::serialize(json::object{{"payer_email", asked}}), ""};

    last_token = random_hex(16);
    if (keep_requests)
        tokens.push_back(last_token);
    std::string redirect = "https://" + own_host + "/sso/consume?token=" + last_token;
    std::int64_t expires_at = unix_now() + kSessionLifetimeSeconds;
    switch (taken) {
        case Fault::kMalformedJson:
            return {200, "{\"redirect_url\": \"" + redirect, ""};
        case Fault::kWrongPayerEmail:
            payer_email = "someone.else@example.com";
            break;
        case Fault::kForeignRedirectHost:
            redirect = "https://evil.example/sso?token=" + last_token;
            break;
        case Fault::kPlainHttpRedirect:
            redirect = "http://" + own_host + "/sso/consume?token=" + last_token;
            break;
        case Fault::kExpiredSession:
            expires_at = unix_now() - 60;
            break;
        default:
            break;
    }
    return {
        200,
        json::serialize(json::object{
            {"redirect_url", redirect}, {"expires_at", expires_at}, {"payer_email", payer_email}}),
        ""};
}

FakeWisePay::FakeWisePay(Certificate certificate) : impl_(std::make_unique<Impl>(certificate)) {}

FakeWisePay::~FakeWisePay() = default;

std::string FakeWisePay::base_url() const {
    return "https://" + impl_->own_host;
}

std::uint16_t FakeWisePay::port() const {
    return impl_->port;
}

std::string FakeWisePay::ca_file() const {
    return impl_->ca_file;
}

void FakeWisePay::add_merchant(const std::string &api_key, const std::string &name,
                               bool integration_enabled) {
    std::lock_guard lock(impl_->mutex);
    Merchant &merchant = impl_->merchants[api_key];
    if (merchant.id.empty())
        merchant.id = "m_" + std::to_string(++impl_->merchants_added);
    merchant.name = name;
    merchant.integration_enabled = integration_enabled;
}

void FakeWisePay::revoke_key(const std::string &api_key) {
    std::lock_guard lock(impl_->mutex);
    impl_->merchants.erase(api_key);
}

void FakeWisePay::add_payer(const std::string &api_key, const std::string &email) {
    std::lock_guard lock(impl_->mutex);
    const auto found = impl_->merchants.find(api_key);
    if (found == impl_->merchants.end())
        throw std::out_of_range("fake Wise-Pay: add_payer for a key with no merchant");
    found->second.payers[email_key(email)] = email;
}

void FakeWisePay::set_registration_url(const std::string &url) {
    std::lock_guard lock(impl_->mutex);
    impl_->registration_url = url;
}

void FakeWisePay::set_fault(Fault fault, int times) {
    std::lock_guard lock(impl_->mutex);
    impl_->fault = fault;
    impl_->fault_times = times < 0 ? -1 : times;
}

void FakeWisePay::escape_slashes(bool escape) {
    std::lock_guard lock(impl_->mutex);
    impl_->escape_slashes = escape;
}

void FakeWisePay::set_slow_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(impl_->mutex);
    impl_->slow_delay = delay;
}

std::vector<FakeWisePay::Request> FakeWisePay::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

void FakeWisePay::keep_requests(bool keep) {
    std::lock_guard lock(impl_->mutex);
    impl_->keep_requests = keep;
}

void FakeWisePay::forget_requests() {
    std::lock_guard lock(impl_->mutex);
    impl_->requests.clear();
    impl_->requests_received = 0;
}

std::size_t FakeWisePay::requests_received() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests_received;
}

std::size_t FakeWisePay::connections_accepted() const {
    return impl_->accepted.load();
}

std::string FakeWisePay::last_redirect_token() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->last_token;
}

std::vector<std::string> FakeWisePay::issued_tokens() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->tokens;
}

}  // namespace wisepay::test
