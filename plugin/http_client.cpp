#include "plugin/http_client.h"

#include <openssl/ssl.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <optional>

#include "plugin/wiping_memory.h"

namespace wisepay::http {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

// Header fields live in wiping memory: they carry the Authorization header.
using WireRequest = bhttp::request<bhttp::string_body, bhttp::basic_fields<WipingAllocator<char>>>;

std::string origin_of(const Url &url) {
    return url.scheme + "://" + url.authority();
}

bool is_ip_literal(const std::string &host) {
    error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

// Asio keeps its own pointers in OpenSSL's "app data" slots, so the client
// uses ex_data slots of its own to find its state from OpenSSL callbacks.
int ctx_slot() {
    static const int slot = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return slot;
}
int ssl_slot() {
    static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return slot;
}

bool is_timeout(const error_code &ec) {
    return ec == beast::error::timeout || ec == net::error::timed_out ||
           ec == net::error::operation_aborted;
}

}  // namespace

// ---------------------------------------------------------------------------
// The TLS context every connection shares, and the sessions kept to resume.

class Client::Tls {
  public:
    explicit Tls(const ClientOptions &options) : context_(ssl::context::tls_client) {
        SSL_CTX *native = context_.native_handle();
        // tls_client with a 1.2 floor; tlsv12_client would also cap at 1.2.
        SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
        context_.set_verify_mode(ssl::verify_peer);
        error_code ec;
        if (options.ca_file.empty()) {
            context_.set_default_verify_paths(ec);
        } else {
            context_.load_verify_file(options.ca_file, ec);
        }
        if (ec) {
            throw TransportError(
                Failure::kRefused,
                "cannot load the CA certificates" +
                    (options.ca_file.empty() ? std::string() : " from '" + options.ca_file + "'") +
                    ": " + ec.message());
        }
        // Resumption saves the handshake's public-key work and a round trip
        // on a new connection. Sessions are kept here, per origin, rather
        // than in OpenSSL's internal cache, which does not key by host.
        SSL_CTX_set_session_cache_mode(native,
                                       SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_set_ex_data(native, ctx_slot(), this);
        SSL_CTX_sess_set_new_cb(native, &Tls::on_new_session);
    }

    ~Tls() {
        for (auto &[origin, session] : sessions_)
            SSL_SESSION_free(session);
    }

    ssl::context &context() { return context_; }

    // A reference the caller frees, or nullptr.
    SSL_SESSION *session_for(const std::string &origin) {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(origin);
        if (it == sessions_.end())
            return nullptr;
        SSL_SESSION_up_ref(it->second);
        return it->second;
    }

  private:
    // OpenSSL calls this when a server issues a session (TLS 1.3: after the
    // handshake, while reading). The connection put its origin in ex_data.
    static int on_new_session(SSL *ssl, SSL_SESSION *session) {
        auto *self = static_cast<Tls *>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_slot()));
        const auto *origin = static_cast<const std::string *>(SSL_get_ex_data(ssl, ssl_slot()));
        if (self == nullptr || origin == nullptr)
            return 0;
        std::lock_guard lock(self->mutex_);
        SSL_SESSION *&slot = self->sessions_[*origin];
        if (slot != nullptr)
            SSL_SESSION_free(slot);
        slot = session;
        return 1;  // we keep the reference
    }

    ssl::context context_;
    std::mutex mutex_;
    std::unordered_map<std::string, SSL_SESSION *> sessions_;
};

// ---------------------------------------------------------------------------
// One connection. Its own io_context lets the calling thread drive exactly
// this connection's operations, with timeouts, from a synchronous call.

struct Client::Connection {
    explicit Connection(std::string origin_key) : origin(std::move(origin_key)) {}
    ~Connection() {
        // No TLS close_notify: it could block, and the peer copes.
        error_code ignored;
        tcp().socket().close(ignored);
    }

    beast::tcp_stream &tcp() { return tls ? tls->next_layer() : *plain; }

    // Runs one asynchronous operation to completion or to the deadline.
    error_code run(Clock::time_point deadline,
                   const std::function<void(std::function<void(error_code)>)> &start) {
        std::optional<error_code> result;
        start([&result](error_code ec) { result = ec; });
        ioc.restart();
        ioc.run_until(deadline);
        if (!result) {
            // Past the deadline: abort whatever is pending and let its
            // handler run, so nothing refers to this frame afterwards.
            error_code ignored;
            tcp().socket().cancel(ignored);
            tcp().socket().close(ignored);
            if (resolver)
                resolver->cancel();
            ioc.restart();
            ioc.run();
            return beast::error::timeout;
        }
        return *result;
    }

    // A pooled connection the server has closed (or that has unexpected
    // bytes waiting) shows as readable; such a connection is not reused.
    bool looks_alive() {
        pollfd fd{tcp().socket().native_handle(), POLLIN, 0};
        return ::poll(&fd, 1, 0) == 0;
    }

    const std::string origin;  // also in OpenSSL's ex_data, for session resumption
    net::io_context ioc{1};
    std::optional<tcp::resolver> resolver;
    std::optional<ssl::stream<beast::tcp_stream>> tls;
    std::optional<beast::tcp_stream> plain;
    beast::flat_buffer buffer;  // kept across requests: may hold read-ahead
    Clock::time_point idle_since;
    bool session_resumed = false;
};

// ---------------------------------------------------------------------------

Client::Client(ClientOptions options)
    : options_(std::move(options)), tls_(std::make_unique<Tls>(options_)) {}

Client::~Client() = default;

Client::PoolStats Client::pool_stats() const {
    std::lock_guard lock(mutex_);
    PoolStats stats = stats_;
    stats.idle = 0;
    for (const auto &[origin, connections] : idle_)
        stats.idle += connections.size();
    return stats;
}

std::unique_ptr<Client::Connection> Client::checkout(const std::string &origin) {
    std::vector<std::unique_ptr<Connection>> stale;  // closed after the lock is released
    std::unique_ptr<Connection> found;
    {
        std::lock_guard lock(mutex_);
        auto it = idle_.find(origin);
        if (it == idle_.end())
            return nullptr;
        auto &connections = it->second;
        const auto now = Clock::now();
        while (!connections.empty()) {
            std::unique_ptr<Connection> candidate = std::move(connections.back());
            connections.pop_back();
            if (now - candidate->idle_since > options_.idle_timeout) {
                stale.push_back(std::move(candidate));
                continue;
            }
            found = std::move(candidate);
            break;
        }
    }
    if (found && !found->looks_alive()) {
        stale.push_back(std::move(found));
    }
    if (found) {
        std::lock_guard lock(mutex_);
        ++stats_.reuses;
    }
    return found;
}

void Client::checkin(const std::string &origin, std::unique_ptr<Connection> connection) {
    connection->idle_since = Clock::now();
    std::lock_guard lock(mutex_);
    auto &connections = idle_[origin];
    if (connections.size() < options_.max_idle_per_origin) {
        connections.push_back(std::move(connection));
        return;
    }
    // Over the cap: the connection is closed (by its destructor) here. Closing
    // a socket does not block, so doing it under the lock is fine.
}

std::unique_ptr<Client::Connection> Client::connect(const Url &url, Clock::time_point deadline) {
    const std::string origin = origin_of(url);
    auto c = std::make_unique<Connection>(origin);

    tcp::resolver::results_type endpoints;
    c->resolver.emplace(c->ioc);
    error_code ec = c->run(deadline, [&](auto done) {
        c->resolver->async_resolve(url.host, std::to_string(url.port),
                                   [&endpoints, done](error_code e, tcp::resolver::results_type r) {
                                       endpoints = std::move(r);
                                       done(e);
                                   });
    });
    if (ec) {
        throw TransportError(is_timeout(ec) ? Failure::kTimeout : Failure::kConnect,
                             "cannot resolve " + url.host + ": " + ec.message());
    }

    if (url.is_https()) {
        c->tls.emplace(c->ioc, tls_->context());
        SSL *native = c->tls->native_handle();
        // SNI is for names only (RFC 6066); IP literals are verified by SAN.
        if (!is_ip_literal(url.host)) {
            SSL_set_tlsext_host_name(native, url.host.c_str());
        }
        c->tls->set_verify_callback(ssl::host_name_verification(url.host));
        SSL_set_ex_data(native, ssl_slot(), const_cast<std::string *>(&c->origin));
        if (SSL_SESSION *session = tls_->session_for(origin)) {
            SSL_set_session(native, session);
            SSL_SESSION_free(session);
        }
    } else {
        c->plain.emplace(c->ioc);
    }

    c->tcp().expires_at(deadline);
    ec = c->run(deadline, [&](auto done) {
        c->tcp().async_connect(endpoints, [done](error_code e, const tcp::endpoint &) { done(e); });
    });
    if (ec) {
        throw TransportError(is_timeout(ec) ? Failure::kTimeout : Failure::kConnect,
                             "cannot connect to " + url.authority() + ": " + ec.message());
    }
    c->tcp().socket().set_option(tcp::no_delay(true), ec);

    if (c->tls) {
        c->tcp().expires_at(deadline);
        ec = c->run(deadline, [&](auto done) {
            c->tls->async_handshake(ssl::stream_base::client, [done](error_code e) { done(e); });
        });
        if (ec) {
            throw TransportError(
                is_timeout(ec) ? Failure::kTimeout : Failure::kTls,
                "TLS handshake with " + url.authority() + " failed: " + ec.message());
        }
        c->session_resumed = SSL_session_reused(c->tls->native_handle()) == 1;
    }
    std::lock_guard lock(mutex_);
    ++stats_.connects;
    if (c->session_resumed)
        ++stats_.tls_resumptions;
    return c;
}

Response Client::exchange(Connection &c, const Request &request, Clock::time_point deadline,
                          bool &answer_started, bool &keep_alive) {
    answer_started = false;
    keep_alive = false;
    WireRequest wire{request.method, request.url.target, 11};
    wire.set(bhttp::field::host, request.url.authority());
    if (!options_.user_agent.empty())
        wire.set(bhttp::field::user_agent, options_.user_agent);
    for (const auto &[name, value] : request.headers)
        wire.set(name, value);
    wire.keep_alive(true);
    if (!request.body.empty() || request.method == bhttp::verb::post) {
        wire.body() = request.body;
        wire.prepare_payload();
    }

    const auto lost = [&](const error_code &ec, const char *when) {
        return TransportError(is_timeout(ec) ? Failure::kTimeout : Failure::kConnectionLost,
                              std::string("connection to ") + request.url.authority() + " broke " +
                                  when + ": " + ec.message());
    };

    c.tcp().expires_at(deadline);
    error_code ec = c.run(deadline, [&](auto done) {
        const auto handler = [done](error_code e, std::size_t) { done(e); };
        if (c.tls) {
            bhttp::async_write(*c.tls, wire, handler);
        } else {
            bhttp::async_write(*c.plain, wire, handler);
        }
    });
    if (ec)
        throw lost(ec, "while sending");

    // A fresh parser per message, with limits; the buffer is the connection's.
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_response_header));
    parser.body_limit(options_.max_response_body);
    c.tcp().expires_at(deadline);
    ec = c.run(deadline, [&](auto done) {
        const auto handler = [done](error_code e, std::size_t) { done(e); };
        if (c.tls) {
            bhttp::async_read(*c.tls, c.buffer, parser, handler);
        } else {
            bhttp::async_read(*c.plain, c.buffer, parser, handler);
        }
    });
    answer_started = parser.got_some();
    if (ec) {
        if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
            ec == bhttp::error::buffer_overflow) {
            throw TransportError(Failure::kBodyTooLarge,
                                 "the answer from " + request.url.authority() + " is too large");
        }
        if (ec.category() == error_code(bhttp::error::partial_message).category() &&
            ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
            throw TransportError(Failure::kProtocol, "the answer from " + request.url.authority() +
                                                         " is not valid HTTP: " + ec.message());
        }
        throw lost(ec, "while reading the answer");
    }

    auto message = parser.release();
    Response response;
    response.status = message.result_int();
    response.retry_after = std::string(message[bhttp::field::retry_after]);
    response.content_type = std::string(message[bhttp::field::content_type]);
    response.body = std::move(message.body());
    response.tls_session_resumed = c.session_resumed;
    keep_alive = message.keep_alive();
    return response;
}

Response Client::send(const Request &request, Clock::time_point deadline) {
    if (!request.url.is_https() && !options_.allow_plain_http) {
        throw TransportError(Failure::kRefused, "plain http to " + request.url.authority() +
                                                    " is not allowed by the config");
    }
    const std::string origin = origin_of(request.url);
    std::unique_ptr<Connection> connection = checkout(origin);
    bool reused = connection != nullptr;
    for (;;) {
        try {
            if (!connection)
                connection = connect(request.url, deadline);
            bool answer_started = false;
            bool keep_alive = false;
            try {
                Response response =
                    exchange(*connection, request, deadline, answer_started, keep_alive);
                response.reused_connection = reused;
                if (keep_alive)
                    checkin(origin, std::move(connection));
                return response;
            } catch (const TransportError &e) {
                connection.reset();  // a failed stream is never reused
                const bool before_answer = !answer_started && e.failure() != Failure::kTimeout;
                if (reused && before_answer && Clock::now() < deadline) {
                    reused = false;  // once, on a new connection
                    continue;
                }
                throw;
            }
        } catch (const boost::system::system_error &e) {
            throw TransportError(Failure::kConnect, std::string("network error: ") + e.what());
        }
    }
}

}  // namespace wisepay::http
