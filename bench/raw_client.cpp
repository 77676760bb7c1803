// The limit: the least a client can do for the same click and still do it
// properly. A blocking socket and OpenSSL directly (no Asio, no Beast): TLS
// 1.2 at least, peer and IP verification, the session remembered for
// resumption, one kept-alive connection checked before reuse, the request
// written as one buffer and the answer framed by hand (status line,
// Content-Length, Connection), then parsed and checked like the others'.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench/click_content.h"
#include "bench/clients.h"

namespace wisepay::bench {
namespace {

constexpr const char *kPath = "/api/integrations/deskdirector/v1/sso-sessions";
constexpr std::size_t kMaxAnswer = 64 * 1024;

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "bench: raw OpenSSL click failed: %s\n", what.c_str());
    std::exit(1);
}

bool iequals_prefix(std::string_view line, std::string_view lower_name) {
    if (line.size() < lower_name.size())
        return false;
    for (std::size_t i = 0; i < lower_name.size(); ++i) {
        const char c = line[i];
        if (((c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c) != lower_name[i])
            return false;
    }
    return true;
}

// The parts of an answer's header the client acts on.
struct Head {
    unsigned status = 0;
    std::size_t length = 0;
    bool close = false;
};

bool parse_head(std::string_view head, Head &out) {
    if (head.size() < 12 || head.substr(0, 9) != "HTTP/1.1 ")
        return false;
    out.status = static_cast<unsigned>(std::atoi(std::string(head.substr(9, 3)).c_str()));
    bool has_length = false;
    for (std::size_t at = head.find("\r\n");
         at != std::string_view::npos && at + 2 < head.size();) {
        const std::size_t next = head.find("\r\n", at + 2);
        const std::string_view line = head.substr(at + 2, next - at - 2);
        if (iequals_prefix(line, "content-length:")) {
            out.length = std::strtoul(std::string(line.substr(15)).c_str(), nullptr, 10);
            has_length = true;
        } else if (iequals_prefix(line, "connection:")) {
            out.close = line.find("close") != std::string_view::npos;
        } else if (iequals_prefix(line, "transfer-encoding:")) {
            return false;  // the benchmark server never chunks
        }
        at = next;
    }
    return has_length && out.length <= kMaxAnswer;
}

class RawClient final : public Client {
  public:
    explicit RawClient(const Target &target) : target_(target) {
        ctx_ = SSL_CTX_new(TLS_client_method());
        if (ctx_ == nullptr || SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION) != 1 ||
            SSL_CTX_load_verify_locations(ctx_, target.ca_file.c_str(), nullptr) != 1) {
            die("cannot set up the TLS context");
        }
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
        // One read system call per record, not two (header, then body).
        SSL_CTX_set_read_ahead(ctx_, 1);
        // Sessions kept here for resumption, as the plugin keeps its own.
        SSL_CTX_set_session_cache_mode(ctx_,
                                       SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_set_app_data(ctx_, this);
        SSL_CTX_sess_set_new_cb(ctx_, &RawClient::on_new_session);
        head_ = std::string("POST ") + kPath + " HTTP/1.1\r\nHost: " + target.host + ":" +
                std::to_string(target.port) +
                "\r\nUser-Agent: " + user_agent_prefix_of(ClientKind::kRaw) +
                "\r\nAuthorization: Bearer " + target.api_key +
                "\r\nAccept: application/json\r\nContent-Type: application/json" +
                "\r\nIdempotency-Key: ";
        wire_.reserve(1024);
        in_.reserve(kMaxAnswer);
    }

    ~RawClient() override {
        disconnect();
        SSL_SESSION_free(session_);
        SSL_CTX_free(ctx_);
    }
    RawClient(const RawClient &) = delete;
    RawClient &operator=(const RawClient &) = delete;

    void click() override {
        if (ssl_ != nullptr && !still_open())
            disconnect();
        if (ssl_ == nullptr)
            connect();
        const std::string body = click_body(target_.payer_email);
        wire_ = head_;
        wire_ += random_idempotency_key();
        wire_ += "\r\nContent-Length: ";
        wire_ += std::to_string(body.size());
        wire_ += "\r\n\r\n";
        wire_ += body;
        if (SSL_write(ssl_, wire_.data(), static_cast<int>(wire_.size())) !=
            static_cast<int>(wire_.size())) {
            die("writing the request");
        }
        Head head;
        const std::string_view answer = read_answer(head);
        SsoAnswer sso;
        if (const char *wrong =
                check_sso_answer(head.status, answer, target_.payer_email, target_.origin(), sso)) {
            die(wrong);
        }
        if (head.close)
            disconnect();
    }

  private:
    static int on_new_session(SSL *ssl, SSL_SESSION *session) {
        auto *self = static_cast<RawClient *>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
        SSL_SESSION_free(self->session_);
        self->session_ = session;
        return 1;  // the reference is ours now
    }

    // A kept connection can be closed by the server while idle; it then
    // reads as ready (end of file or close_notify).
    bool still_open() {
        pollfd fd{fd_, POLLIN, 0};
        return SSL_has_pending(ssl_) == 0 && ::poll(&fd, 1, 0) == 0;
    }

    void connect() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(target_.port);
        const int one = 1;
        if (fd_ < 0 || ::inet_pton(AF_INET, target_.host.c_str(), &address.sin_addr) != 1 ||
            ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
            ::connect(fd_, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            die("connecting");
        }
        ssl_ = SSL_new(ctx_);
        if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1 ||
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), target_.host.c_str()) != 1) {
            die("setting up the connection");
        }
        if (session_ != nullptr && SSL_SESSION_is_resumable(session_) == 1)
            SSL_set_session(ssl_, session_);
        if (SSL_connect(ssl_) != 1)
            die("the TLS handshake");
    }

    // Closes without a close_notify, as the plugin does; after complete
    // answers the connection was not broken, so OpenSSL is told it was shut
    // down (nothing is sent) and keeps the session resumable.
    void disconnect() {
        if (ssl_ == nullptr)
            return;
        SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(ssl_);
        ::close(fd_);
        ssl_ = nullptr;
        fd_ = -1;
    }

    std::string_view read_answer(Head &head) {
        in_.clear();
        std::size_t header_end = std::string::npos;
        char chunk[16 * 1024];
        for (;;) {
            const int got = SSL_read(ssl_, chunk, sizeof chunk);
            if (got <= 0)
                die("reading the answer");
            in_.append(chunk, static_cast<std::size_t>(got));
            if (header_end == std::string::npos) {
                header_end = in_.find("\r\n\r\n");
                if (header_end == std::string::npos) {
                    if (in_.size() > kMaxAnswer)
                        die("the answer's header is too large");
                    continue;
                }
                if (!parse_head(std::string_view(in_).substr(0, header_end + 2), head))
                    die("a malformed answer");
            }
            const std::size_t total = header_end + 4 + head.length;
            if (in_.size() > total)
                die("bytes after the answer");
            if (in_.size() == total)
                return std::string_view(in_).substr(header_end + 4);
        }
    }

    const Target target_;
    SSL_CTX *ctx_ = nullptr;
    SSL *ssl_ = nullptr;
    int fd_ = -1;
    SSL_SESSION *session_ = nullptr;  // the latest the server issued
    std::string head_;                // the request up to its Idempotency-Key
    std::string wire_, in_;
};

}  // namespace

std::unique_ptr<Client> make_raw_client(const Target &target) {
    return std::make_unique<RawClient>(target);
}

}  // namespace wisepay::bench
