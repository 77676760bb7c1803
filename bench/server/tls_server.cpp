// The benchmark server's event loop (tls_server.h): level-triggered epoll
// over the listener, the control input and the connections. A connection
// handshakes, reads, answers every complete request it holds and writes
// without blocking, leaving epoll to say when OpenSSL can go on.
#include "bench/server/tls_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <stdexcept>

#include "bench/server/request.h"

namespace wisepay::bench::server {
namespace {

// Tags for the two descriptors that are not connections.
char listener_tag;
char control_tag;

[[noreturn]] void fail(const std::string &what) {
    throw std::runtime_error("benchmark server: " + what);
}

}  // namespace

struct TlsServer::Connection {
    int fd = -1;
    SSL *ssl = nullptr;
    std::uint32_t events = EPOLLIN;  // what epoll watches for now
    bool handshaken = false;
    bool resumed = false;
    ClientTls *client = nullptr;  // known from the first request's User-Agent
    std::string in;               // received, not yet answered
    std::string out;              // the answer being written
    std::size_t out_sent = 0;
    bool close_after = false;  // the client asked for Connection: close
};

TlsServer::TlsServer(const std::string &cert_file, const std::string &key_file) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (ctx_ == nullptr || SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION) != 1 ||
        SSL_CTX_use_certificate_chain_file(ctx_, cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        fail("cannot set up TLS with " + cert_file);
    }
    SSL_CTX_set_options(ctx_, SSL_OP_NO_RENEGOTIATION);
    // One read system call per TLS record instead of two (header, then
    // body): the server reads whatever has arrived.
    SSL_CTX_set_read_ahead(ctx_, 1);
    // Session tickets (OpenSSL's default, stateless) let clients resume.

    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr *>(&address), length) != 0 ||
        ::listen(listener_, 512) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        fail("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = &listener_tag;
    if (epoll_ < 0 || ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event) != 0)
        fail("cannot make the epoll set");
}

TlsServer::~TlsServer() {
    for (auto &[fd, c] : connections_) {
        SSL_free(c->ssl);
        ::close(fd);
    }
    if (epoll_ >= 0)
        ::close(epoll_);
    if (listener_ >= 0)
        ::close(listener_);
    SSL_CTX_free(ctx_);
}

void TlsServer::run(Answers &answers, int control_fd,
                    const std::function<void(std::string_view)> &on_command) {
    answers_ = &answers;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = &control_tag;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, control_fd, &event) != 0)
        fail("cannot watch the control input");

    std::string commands;
    epoll_event events[64];
    for (bool control_open = true; control_open;) {
        const int n = ::epoll_wait(epoll_, events, 64, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("epoll_wait failed");
        bool control_ready = false;
        for (int i = 0; i < n; ++i) {
            void *tag = events[i].data.ptr;
            if (tag == &listener_tag) {
                accept_all();
            } else if (tag == &control_tag) {
                control_ready = true;
            } else {
                on_event(*static_cast<Connection *>(tag), events[i].events);
            }
        }
        if (!control_ready)
            continue;
        // Commands run after the batch: one may close connections whose
        // events came in the same batch.
        char chunk[4096];
        const ssize_t got = ::read(control_fd, chunk, sizeof chunk);
        if (got <= 0) {
            control_open = got < 0 && (errno == EINTR || errno == EAGAIN);
            continue;
        }
        commands.append(chunk, static_cast<std::size_t>(got));
        for (std::size_t eol; (eol = commands.find('\n')) != std::string::npos;) {
            on_command(std::string_view(commands).substr(0, eol));
            commands.erase(0, eol + 1);
        }
    }
}

void TlsServer::accept_all() {
    for (;;) {
        const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;  // EAGAIN: all taken; anything else: the client gave up
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto c = std::make_unique<Connection>();
        c->fd = fd;
        c->ssl = SSL_new(ctx_);
        if (c->ssl == nullptr || SSL_set_fd(c->ssl, fd) != 1) {
            SSL_free(c->ssl);
            ::close(fd);
            continue;
        }
        SSL_set_accept_state(c->ssl);
        c->in.reserve(16 * 1024);
        c->out.reserve(1024);
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.ptr = c.get();
        if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
            SSL_free(c->ssl);
            ::close(fd);
            continue;
        }
        connections_.emplace(fd, std::move(c));
    }
}

void TlsServer::on_event(Connection &c, std::uint32_t events) {
    if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN)) {
        close(c);
        return;
    }
    if (!c.handshaken && !handshake(c))
        return;
    if (c.out_sent < c.out.size() && flush(c) != Flush::kDone)
        return;
    read_and_serve(c);
}

bool TlsServer::handshake(Connection &c) {
    const int result = SSL_do_handshake(c.ssl);
    if (result == 1) {
        c.handshaken = true;
        c.resumed = SSL_session_reused(c.ssl) == 1;
        want(c, EPOLLIN);
        return true;
    }
    switch (SSL_get_error(c.ssl, result)) {
        case SSL_ERROR_WANT_READ:
            want(c, EPOLLIN);
            return false;
        case SSL_ERROR_WANT_WRITE:
            want(c, EPOLLOUT);
            return false;
        default:
            close(c);
            return false;
    }
}

void TlsServer::read_and_serve(Connection &c) {
    char chunk[16 * 1024];
    for (;;) {
        const int got = SSL_read(c.ssl, chunk, sizeof chunk);
        if (got <= 0) {
            const int error = SSL_get_error(c.ssl, got);
            if (error == SSL_ERROR_WANT_READ)
                return;
            if (error == SSL_ERROR_WANT_WRITE) {
                want(c, EPOLLOUT);
                return;
            }
            close(c);  // the client closed, or the stream broke
            return;
        }
        c.in.append(chunk, static_cast<std::size_t>(got));
        if (!serve_buffered(c))
            return;  // closed, or an answer waits for the socket
        // Answered everything: epoll (level-triggered) reports the next
        // request, which saves a read that would only say "nothing yet".
        if (c.in.empty() && SSL_has_pending(c.ssl) == 0)
            return;
    }
}

// Answers every complete request in c.in. False when the connection closed
// (`c` is gone then) or an answer could not be written out completely yet.
bool TlsServer::serve_buffered(Connection &c) {
    std::size_t used = 0;
    for (;;) {
        Request request;
        const Parse parse = parse_request(std::string_view(c.in).substr(used), request);
        if (parse == Parse::kIncomplete)
            break;
        if (parse == Parse::kMalformed) {
            close(c);
            return false;
        }
        if (c.client == nullptr) {
            auto it = clients_.find(request.user_agent);
            if (it == clients_.end())
                it = clients_.emplace(std::string(request.user_agent), ClientTls{}).first;
            c.client = &it->second;
            c.client->version = SSL_get_version(c.ssl);
            c.client->cipher = SSL_get_cipher_name(c.ssl);
            ++(c.resumed ? c.client->resumed_handshakes : c.client->full_handshakes);
        }
        ++c.client->requests;
        ++requests_;
        answers_->answer(request, static_cast<std::int64_t>(std::time(nullptr)), c.out);
        if (request.close) {
            c.out.insert(c.out.find("\r\n") + 2, "Connection: close\r\n");
            c.close_after = true;
        }
        c.out_sent = 0;
        used += request.size;
        const Flush flushed = flush(c);
        if (flushed == Flush::kClosed)
            return false;
        if (flushed == Flush::kPending) {
            c.in.erase(0, used);
            return false;
        }
    }
    c.in.erase(0, used);
    return true;
}

TlsServer::Flush TlsServer::flush(Connection &c) {
    while (c.out_sent < c.out.size()) {
        const int wrote = SSL_write(c.ssl, c.out.data() + c.out_sent,
                                    static_cast<int>(c.out.size() - c.out_sent));
        if (wrote > 0) {
            c.out_sent += static_cast<std::size_t>(wrote);
            continue;
        }
        const int error = SSL_get_error(c.ssl, wrote);
        if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
            want(c, error == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
            return Flush::kPending;
        }
        close(c);
        return Flush::kClosed;
    }
    if (c.close_after) {
        SSL_shutdown(c.ssl);
        close(c);
        return Flush::kClosed;
    }
    want(c, EPOLLIN);
    return Flush::kDone;
}

void TlsServer::want(Connection &c, std::uint32_t events) {
    if (c.events == events)
        return;
    epoll_event event{};
    event.events = events;
    event.data.ptr = &c;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
    c.events = events;
}

void TlsServer::close(Connection &c) {
    const int fd = c.fd;
    SSL_free(c.ssl);
    ::close(fd);  // also leaves the epoll set
    connections_.erase(fd);
}

int TlsServer::close_idle() {
    std::vector<Connection *> idle;
    for (auto &[fd, c] : connections_) {
        if (c->handshaken && c->in.empty() && c->out_sent == c->out.size())
            idle.push_back(c.get());
    }
    for (Connection *c : idle)
        close(*c);
    return static_cast<int>(idle.size());
}

}  // namespace wisepay::bench::server
