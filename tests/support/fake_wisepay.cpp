#include "tests/support/fake_wisepay.h"

#include <openssl/rand.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <sstream>

#include "tests/support/test_pki.h"

namespace wisepay::test {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;

constexpr const char *kSsoPath = "/api/integrations/deskdirector/v1/sso-sessions";
constexpr const char *kMerchantPath = "/api/integrations/deskdirector/v1/merchant";

std::string lower_trimmed(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    const auto last = s.find_last_not_of(" \t\r\n");
    s = first == std::string::npos ? "" : s.substr(first, last - first + 1);
    for (char &c : s) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

std::string random_token() {
    unsigned char bytes[16];
    RAND_bytes(bytes, sizeof bytes);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
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

}  // namespace

struct FakeWisePay::Impl {
    net::io_context ioc;
    ssl::context tls{ssl::context::tls_server};
    tcp::acceptor acceptor{ioc};
};

struct FakeWisePay::Answer {
    Answer(unsigned s, std::string b, std::string retry = "")
        : status(s), body(std::move(b)), retry_after(std::move(retry)) {}
    unsigned status;
    std::string body;
    std::string retry_after;
};

FakeWisePay::FakeWisePay(Certificate certificate) : impl_(std::make_unique<Impl>()) {
    TestCa trusted;
    ca_file_ = write_pem(dir_.file("ca.pem"), trusted.cert_pem());
    KeyAndCert server;
    switch (certificate) {
        case Certificate::kValid:
            server = trusted.issue_server_cert({"127.0.0.1", "localhost"});
            break;
        case Certificate::kWrongHostName:
            server = trusted.issue_server_cert({"other.example"});
            break;
        case Certificate::kUnknownCa:
            server = TestCa("Some other CA").issue_server_cert({"127.0.0.1", "localhost"});
            break;
    }
    SSL_CTX_set_min_proto_version(impl_->tls.native_handle(), TLS1_2_VERSION);
    impl_->tls.use_certificate_chain(net::buffer(server.cert_pem));
    impl_->tls.use_private_key(net::buffer(server.key_pem), ssl::context::pem);

    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
    port_ = impl_->acceptor.local_endpoint().port();
    acceptor_thread_ = std::thread([this] { accept_loop(); });
}

FakeWisePay::~FakeWisePay() {
    stopping_ = true;
    stop_cv_.notify_all();
    // shutdown() wakes threads blocked in accept() or read() on these sockets.
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    acceptor_thread_.join();
    {
        std::lock_guard lock(mutex_);
        for (const auto &[id, fd] : open_sockets_)
            ::shutdown(fd, SHUT_RDWR);
    }
    for (auto &t : threads_)
        t.join();
}

std::string FakeWisePay::base_url() const {
    return "https://127.0.0.1:" + std::to_string(port_);
}

void FakeWisePay::add_merchant(const std::string &api_key, const std::string &name,
                               bool integration_enabled) {
    std::lock_guard lock(mutex_);
    Merchant &m = merchants_[api_key];
    m.id = "m_" + std::to_string(merchants_.size());
    m.name = name;
    m.integration_enabled = integration_enabled;
}

void FakeWisePay::add_payer(const std::string &api_key, const std::string &email) {
    std::lock_guard lock(mutex_);
    Merchant &m = merchants_.at(api_key);
    m.payers.insert(lower_trimmed(email));
    m.display_email[lower_trimmed(email)] = email;
}

void FakeWisePay::set_registration_url(const std::string &url) {
    std::lock_guard lock(mutex_);
    registration_url_ = url;
}

void FakeWisePay::set_fault(Fault fault, int times) {
    std::lock_guard lock(mutex_);
    fault_ = fault;
    fault_times_ = times;
}

void FakeWisePay::set_slow_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    slow_delay_ = delay;
}

std::vector<FakeWisePay::Request> FakeWisePay::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::string FakeWisePay::last_redirect_token() const {
    std::lock_guard lock(mutex_);
    return last_token_;
}

FakeWisePay::Fault FakeWisePay::take_fault() {
    std::lock_guard lock(mutex_);
    if (fault_ == Fault::kNone || fault_times_ == 0)
        return Fault::kNone;
    if (fault_times_ > 0 && --fault_times_ == 0) {
        const Fault once = fault_;
        fault_ = Fault::kNone;
        return once;
    }
    return fault_;
}

bool FakeWisePay::wait_or_stop(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex_);
    return !stop_cv_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void FakeWisePay::accept_loop() {
    int next_id = 0;
    while (!stopping_) {
        auto socket = std::make_unique<tcp::socket>(impl_->ioc);
        boost::system::error_code ec;
        impl_->acceptor.accept(*socket, ec);
        if (ec || stopping_)
            break;
        ++accepted_;
        const int id = next_id++;
        std::lock_guard lock(mutex_);
        open_sockets_[id] = socket->native_handle();
        threads_.emplace_back([this, id, s = socket.release()] { serve(id, s); });
    }
}

void FakeWisePay::serve(int connection_id, void *raw_socket) {
    std::unique_ptr<tcp::socket> socket(static_cast<tcp::socket *>(raw_socket));
    const int fd = socket->native_handle();
    {
        ssl::stream<tcp::socket> stream(std::move(*socket), impl_->tls);
        boost::system::error_code ec;
        stream.handshake(ssl::stream_base::server, ec);
        beast::flat_buffer buffer;
        while (!ec && !stopping_) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.body_limit(1 << 20);
            bhttp::read(stream, buffer, parser, ec);
            if (ec)
                break;
            const auto &message = parser.get();
            Request seen{std::string(message.method_string()),
                         std::string(message.target()),
                         std::string(message[bhttp::field::authorization]),
                         std::string(message["Idempotency-Key"]),
                         std::string(message[bhttp::field::user_agent]),
                         std::string(message[bhttp::field::content_type]),
                         message.body()};
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(seen);
            }
            const Fault fault = take_fault();
            if (fault == Fault::kSlow) {
                std::chrono::milliseconds delay;
                {
                    std::lock_guard lock(mutex_);
                    delay = slow_delay_;
                }
                if (!wait_or_stop(delay))
                    break;
            }
            if (fault == Fault::kHugeBody) {
                const std::string head =
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    "10485760\r\n\r\n";
                net::write(stream, net::buffer(head), ec);
                const std::string chunk(64 * 1024, ' ');
                for (int i = 0; i < 160 && !ec && !stopping_; ++i)
                    net::write(stream, net::buffer(chunk), ec);
                break;
            }
            const Answer a = answer(seen, fault);
            bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(a.status), 11};
            response.set(bhttp::field::content_type, "application/json");
            if (!a.retry_after.empty())
                response.set(bhttp::field::retry_after, a.retry_after);
            response.body() = a.body;
            response.keep_alive(message.keep_alive());
            response.prepare_payload();
            if (fault == Fault::kResetMidAnswer) {
                std::ostringstream wire;
                wire << response;
                const std::string text = wire.str();
                net::write(stream, net::buffer(text.data(), text.size() - a.body.size() / 2), ec);
                // SO_LINGER 0 turns close() into a TCP reset.
                stream.next_layer().set_option(net::socket_base::linger(true, 0), ec);
                stream.next_layer().close(ec);
                break;
            }
            bhttp::write(stream, response, ec);
            if (!message.keep_alive())
                break;
        }
        boost::system::error_code ignored;
        stream.next_layer().close(ignored);
    }
    std::lock_guard lock(mutex_);
    if (open_sockets_[connection_id] == fd)
        open_sockets_.erase(connection_id);
}

FakeWisePay::Answer FakeWisePay::answer(const Request &request, Fault fault) {
    switch (fault) {
        case Fault::kServerError:
            return {500,
                    json::serialize(json::object{
                        {"error", json::object{{"code", "internal"},
                                               {"message", "boom (key echoed: " +
                                                               request.authorization + ")"}}}})};
        case Fault::kUnavailable:
            return {503, error_body("unavailable")};
        case Fault::kBadGateway:
            return {502, error_body("bad_gateway")};
        case Fault::kRateLimited:
            return {429, error_body("rate_limited"), "1"};
        default:
            break;
    }
    std::lock_guard lock(mutex_);
    const std::string key =
        request.authorization.rfind("Bearer ", 0) == 0 ? request.authorization.substr(7) : "";
    auto merchant = merchants_.find(key);
    const bool is_sso = request.method == "POST" && request.target == kSsoPath;
    const bool is_merchant = request.method == "GET" && request.target == kMerchantPath;
    if (!is_sso && !is_merchant)
        return {404, error_body("not_found")};
    if (merchant == merchants_.end())
        return {401, error_body("unauthorized")};
    const Merchant &m = merchant->second;
    if (is_merchant) {
        return {200, json::serialize(
                         json::object{{"merchant", json::object{{"id", m.id}, {"name", m.name}}},
                                      {"integration_enabled", m.integration_enabled}})};
    }
    if (!m.integration_enabled)
        return {403, error_body("integration_disabled")};

    boost::system::error_code ec;
    const json::value body = json::parse(request.body, ec);
    const json::object *obj = (!ec && body.is_object()) ? &body.get_object() : nullptr;
    const json::value *email = obj ? obj->if_contains("payer_email") : nullptr;
    const json::value *invoice = obj ? obj->if_contains("invoice") : nullptr;
    if (!email || !email->is_string() || !invoice || !invoice->is_object() ||
        !invoice->get_object().contains("id")) {
        return {400, error_body("bad_request")};
    }
    const std::string asked = lower_trimmed(std::string(email->get_string()));
    if (!m.payers.count(asked)) {
        json::object error{{"code", "payer_not_found"}};
        if (!registration_url_.empty())
            error["registration_url"] = registration_url_;
        return {404, json::serialize(json::object{{"error", error}})};
    }
    last_token_ = random_token();
    const std::string own = "127.0.0.1:" + std::to_string(port_);
    std::string redirect = "https://" + own + "/sso/consume?token=" + last_token_;
    std::string payer = m.display_email.at(asked);
    std::int64_t expires = unix_now() + 120;
    if (fault == Fault::kMalformedJson) {
        return {200, "{\"redirect_url\": \"" + redirect};
    }
    if (fault == Fault::kMissingFields) {
        return {200, json::serialize(json::object{{"payer_email", payer}})};
    }
    if (fault == Fault::kWrongPayerEmail)
        payer = "someone.else@example.com";
    if (fault == Fault::kForeignRedirectHost)
        redirect = "https://evil.example/sso?token=" + last_token_;
    if (fault == Fault::kPlainHttpRedirect)
        redirect = "http://" + own + "/sso/consume?token=" + last_token_;
    if (fault == Fault::kExpiredSession)
        expires = unix_now() - 60;
    return {200, json::serialize(json::object{
                     {"redirect_url", redirect}, {"expires_at", expires}, {"payer_email", payer}})};
}

}  // namespace wisepay::test
