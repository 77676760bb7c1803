// The implementation of connection.h: name resolution, connecting
// with TLS, and one request and answer at a time under a deadline.
#include "plugin/http/connection.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <limits>
#include <utility>

#include "plugin/http/errors.h"
#include "plugin/http/tls_context.h"

namespace wisepay::http {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = boost::asio::ip::tcp;

// Parses one answer into a Response: its status, its body (in memory that
// is wiped when it is released: an answer can carry a sign-in URL or echo
// the key back), and the two header fields a Response holds. Beast's parser
// checks every field as before; the others are then dropped, neither
// allocated nor kept, where a response_parser stored each in a node of its
// own and looked the two up afterwards.
class AnswerParser final : public bhttp::basic_parser<false> {
  public:
    explicit AnswerParser(Response &response) : response_(response) {}

  private:
    void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int,
                         error_code &) override {}
    void on_response_impl(int code, beast::string_view, int, error_code &) override {
        response_.status = static_cast<unsigned>(code);
    }
    void on_field_impl(bhttp::field name, beast::string_view, beast::string_view value,
                       error_code &) override {
        // The first of each, as a fields container gives it.
        if (name == bhttp::field::retry_after && !have_retry_after_) {
            response_.retry_after.assign(value.data(), value.size());
            have_retry_after_ = true;
        } else if (name == bhttp::field::content_type && !have_content_type_) {
            response_.content_type.assign(value.data(), value.size());
            have_content_type_ = true;
        }
    }
    void on_header_impl(error_code &) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t> &length, error_code &) override {
        // The parser has held a Content-Length to the body limit by now.
        if (length)
            response_.body.reserve(static_cast<std::size_t>(*length));
    }
    std::size_t on_body_impl(beast::string_view part, error_code &) override {
        return append(part);
    }
    void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code &) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view part, error_code &) override {
        return append(part);
    }
    void on_finish_impl(error_code &) override {}

    std::size_t append(beast::string_view part) {
        response_.body.insert(response_.body.end(), part.begin(), part.end());
        return part.size();
    }

    Response &response_;
    bool have_retry_after_ = false;
    bool have_content_type_ = false;
};

// Wipes all of a read buffer's storage, read or not, and leaves it empty.
template <typename Buffer>
void wipe(Buffer &buffer) {
    buffer.clear();
    const auto all = buffer.prepare(buffer.capacity());
    OPENSSL_cleanse(all.data(), all.size());
}

bool is_timeout(const error_code &ec) {
    return ec == beast::error::timeout;
}

// Has OpenSSL check, while it verifies the chain, that the certificate is
// for `host`: a host name against its DNS names only, never the subject's
// common name (browsers refuse a certificate that names its host only
// there, and RFC 6125 says to ignore the CN when there are DNS names;
// Boost's host_name_verification calls X509_check_host with no flags,
// which falls back to the CN), and an IP literal against its IP addresses.
bool expect_peer(SSL *ssl, const std::string &host, bool is_name) {
    SSL_set_hostflags(ssl,
                      X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (is_name)
        return SSL_set1_host(ssl, host.c_str()) == 1;
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
}

Failure classify_read_error(const error_code &ec) {
    if (is_timeout(ec))
        return Failure::kTimeout;
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
        ec == bhttp::error::buffer_overflow) {
        return Failure::kBodyTooLarge;
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
        return Failure::kConnectionLost;
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
        return Failure::kProtocol;
    }
    // Reset, EOF, TLS truncation (stream_truncated) and TLS errors alike:
    // the stream broke before the answer was complete.
    return Failure::kConnectionLost;
}

}  // namespace

// ---------------------------------------------------------------------------
// Name resolution

struct DnsResolver::Lookup {
    net::io_context ioc{1};
    tcp::resolver resolver{ioc};
    bool done = false;
    error_code ec;
    tcp::resolver::results_type results;
};

DnsResolver::~DnsResolver() {
    // Destroying a lookup's io_context joins the resolver's thread, which
    // waits for the getaddrinfo call in progress. That is the price of not
    // leaving a thread that runs this library's code behind an unload.
    std::lock_guard lock(mutex_);
    abandoned_.clear();
}

void DnsResolver::collect_finished() {
    std::vector<std::shared_ptr<Lookup>> pending;
    {
        std::lock_guard lock(mutex_);
        pending.swap(abandoned_);
    }
    if (pending.empty())
        return;
    std::vector<std::shared_ptr<Lookup>> still_running;
    for (auto &lookup : pending) {
        lookup->ioc.restart();
        lookup->ioc.poll();
        if (!lookup->done)
            still_running.push_back(std::move(lookup));
    }
    pending.clear();  // finished ones: their threads are idle, joining is quick
    if (!still_running.empty()) {
        std::lock_guard lock(mutex_);
        for (auto &lookup : still_running)
            abandoned_.push_back(std::move(lookup));
    }
}

tcp::resolver::results_type DnsResolver::resolve(const std::string &host, std::uint16_t port,
                                                 Clock::time_point deadline) {
    collect_finished();
    auto lookup = std::make_shared<Lookup>();
    Lookup *raw = lookup.get();  // the handler runs only inside raw->ioc
    lookup->resolver.async_resolve(host, std::to_string(port),
                                   [raw](error_code ec, tcp::resolver::results_type results) {
                                       raw->ec = ec;
                                       raw->results = std::move(results);
                                       raw->done = true;
                                   });
    lookup->ioc.run_until(deadline);
    if (!lookup->done) {
        lookup->resolver.cancel();
        lookup->ioc.restart();
        lookup->ioc.poll();
        if (!lookup->done) {
            std::lock_guard lock(mutex_);
            abandoned_.push_back(std::move(lookup));
        }
        throw TransportError(Failure::kTimeout, false,
                             "resolving " + host + ": the deadline passed");
    }
    if (lookup->ec) {
        throw TransportError(Failure::kConnect, false,
                             "resolving " + host + " failed: " + lookup->ec.message());
    }
    if (lookup->results.empty()) {
        throw TransportError(Failure::kConnect, false, "resolving " + host + " gave no address");
    }
    return std::move(lookup->results);
}

// ---------------------------------------------------------------------------
// Waiting for the socket

static_assert(POLLIN == 0x001 && POLLOUT == 0x004, "DeadlineSocket's event values");

bool DeadlineSocket::wait(short events, error_code &ec) {
    pollfd fd{};
    fd.fd = socket_.native_handle();
    fd.events = events;
    if (fd.fd < 0) {
        ec = net::error::bad_descriptor;
        return false;
    }
    for (;;) {
        const auto left = deadline_ - Clock::now();
        if (left <= Clock::duration::zero()) {
            ec = beast::error::timeout;
            return false;
        }
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
        timespec timeout{};
        timeout.tv_sec = static_cast<std::time_t>(seconds.count());
        timeout.tv_nsec = static_cast<long>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(left - seconds).count());
        const int ready = ::ppoll(&fd, 1, &timeout, nullptr);
        if (ready > 0) {
            ec = {};
            return true;
        }
        if (ready < 0 && errno != EINTR) {
            ec = error_code(errno, boost::system::system_category());
            return false;
        }
        // Timed out (the deadline is checked above) or interrupted: again.
    }
}

// ---------------------------------------------------------------------------
// Running one asynchronous operation of a connection to completion or to the
// deadline, on the calling thread.

template <typename Initiate>
error_code Connection::run(Clock::time_point deadline, Initiate &&initiate) {
    error_code result;
    bool done = false;
    std::forward<Initiate>(initiate)([&result, &done](error_code ec, auto &&...) {
        result = ec;
        done = true;
    });
    // The deadline is enforced here, not by a timer on the socket.
    ioc_.restart();
    ioc_.run_until(deadline);
    if (!done) {
        // Closing cancels whatever is pending, and running the handlers
        // out means nothing refers to the caller's frame afterwards.
        tcp().close();
        ioc_.restart();
        ioc_.run();
        return beast::error::timeout;
    }
    return result;
}

DeadlineSocket &Connection::socket() {
    return tls_ ? tls_->next_layer() : *plain_;
}

template <typename Operation>
auto Connection::with_stream(Operation &&operation) {
    if (tls_)
        return operation(*tls_);
    return operation(*plain_);
}

// ---------------------------------------------------------------------------

std::unique_ptr<Connection> Connection::open(const Url &url, std::string origin, TlsContext *tls,
                                             DnsResolver &dns, Clock::time_point deadline) {
    const std::string where = url.authority();
    std::unique_ptr<Connection> c(new Connection(std::move(origin)));

    // An IP literal needs no lookup (and no thread for one).
    error_code not_ip;
    const net::ip::address address = net::ip::make_address(url.host, not_ip);
    tcp::resolver::results_type endpoints;
    if (not_ip)
        endpoints = dns.resolve(url.host, url.port, deadline);

    if (url.is_https()) {
        try {
            c->tls_.emplace(c->ioc_, tls->context());
        } catch (const boost::system::system_error &e) {
            throw TransportError(Failure::kTls, false,
                                 "cannot make a TLS connection object: " + std::string(e.what()));
        }
        SSL *native = c->tls_->native_handle();
        // Asio sets SSL_MODE_RELEASE_BUFFERS, with which OpenSSL allocates
        // its 17 KiB read and write buffers for every record it reads or
        // writes and frees them as soon as they empty; with
        // SSL_OP_CLEANSE_PLAINTEXT each free of the read buffer also wipes
        // all 17 KiB of it. Kept instead, they cost 34 KiB per pooled
        // connection. The plaintext of each record is still wiped as it is
        // read, and the whole read buffer when the SSL is freed.
        SSL_clear_mode(native, SSL_MODE_RELEASE_BUFFERS);
        // SNI carries host names only (RFC 6066).
        if (not_ip && SSL_set_tlsext_host_name(native, url.host.c_str()) != 1) {
            throw TransportError(Failure::kTls, false, "cannot set SNI for " + where);
        }
        c->tls_->set_verify_mode(ssl::verify_peer);
        if (!expect_peer(native, url.host, static_cast<bool>(not_ip))) {
            throw TransportError(Failure::kTls, false,
                                 "cannot set the name to verify for " + where);
        }
        tls->prepare(native, &c->origin_);
    } else {
        c->plain_.emplace(c->ioc_);
    }

    error_code ec = c->run(deadline, [&](auto handler) {
        if (not_ip) {
            net::async_connect(c->tcp(), endpoints, std::move(handler));
        } else {
            c->tcp().async_connect(tcp::endpoint(address, url.port), std::move(handler));
        }
    });
    if (!ec) {
        // From here on reads and writes are synchronous and never block:
        // DeadlineSocket does the waiting, up to the deadline.
        c->tcp().non_blocking(true, ec);
    }
    if (ec) {
        throw TransportError(is_timeout(ec) ? Failure::kTimeout : Failure::kConnect, false,
                             "connecting to " + where + " failed: " + ec.message());
    }
    c->tcp().set_option(tcp::no_delay(true), ec);  // best effort
    c->socket().set_deadline(deadline);

    if (c->tls_) {
        c->tls_->handshake(ssl::stream_base::client, ec);
        if (ec) {
            if (!is_timeout(ec))
                tls->forget(c->origin_);
            std::string reason = ec.message();
            const long verify = SSL_get_verify_result(c->tls_->native_handle());
            if (verify != X509_V_OK) {
                reason += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
            }
            throw TransportError(is_timeout(ec) ? Failure::kTimeout : Failure::kTls, false,
                                 "TLS handshake with " + where + " failed: " + reason);
        }
        c->tls_session_resumed_ = SSL_session_reused(c->tls_->native_handle()) == 1;
    }
    return c;
}

Connection::~Connection() {
    // No close_notify (it could block, and it tells a server nothing it
    // needs); closing the socket is immediate. OpenSSL, though, treats a
    // connection freed without one as broken and makes its session
    // unresumable; after a complete answer it was not broken, so say it
    // was shut down (nothing is sent). After a failure OpenSSL's rule stands.
    if (tls_ && clean_) {
        SSL_set_shutdown(tls_->native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    }
    if (tls_ || plain_) {
        error_code ignored;
        tcp().close(ignored);
    }
}

bool Connection::still_open() {
    pollfd fd{};
    fd.fd = tcp().native_handle();
    fd.events = POLLIN;
    return fd.fd >= 0 && ::poll(&fd, 1, 0) == 0;
}

Response Connection::exchange(const WireRequest &request, const Limits &limits,
                              Clock::time_point deadline) {
    reusable_ = false;
    answer_started_ = false;
    clean_ = false;
    // Runs last, on every way out, after reusable_ has looked at what is
    // left in the buffer.
    struct WipeOnExit {
        ReadBuffer &buffer;
        ~WipeOnExit() { wipe(buffer); }
    } const wipe_buffer{buffer_};

    socket().set_deadline(deadline);
    error_code ec;
    with_stream([&](auto &stream) {
        net::write(stream, net::buffer(request.bytes.data(), request.bytes.size()), ec);
    });
    if (ec) {
        // Some of it may have gone out: say so.
        throw TransportError(is_timeout(ec) ? Failure::kTimeout : Failure::kConnectionLost, true,
                             "sending to " + origin_ + " failed: " + ec.message());
    }

    socket().wait_before_reading();
    for (;;) {
        // A fresh parser per message; the buffer is the connection's.
        Response response;
        AnswerParser parser(response);
        parser.header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(limits.header, std::numeric_limits<std::uint32_t>::max())));
        parser.body_limit(limits.body);
        parser.skip(request.head);  // the answer to HEAD has a length but no body
        const bool had_bytes = buffer_.size() != 0;
        with_stream([&](auto &stream) { bhttp::read(stream, buffer_, parser, ec); });
        if (had_bytes || parser.got_some())
            answer_started_ = true;
        if (ec) {
            throw TransportError(classify_read_error(ec), true,
                                 "reading the answer from " + origin_ + " failed: " + ec.message());
        }
        const unsigned status = response.status;
        if (status >= 100 && status < 200 && status != 101)
            continue;  // interim answer

        // Reusable only when the answer allows keep-alive and nothing
        // unasked follows it; a 101 would switch protocols.
        reusable_ = parser.keep_alive() && buffer_.size() == 0 && status != 101;
        clean_ = true;
        return response;
    }
}

}  // namespace wisepay::http
