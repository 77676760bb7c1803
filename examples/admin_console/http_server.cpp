#include "http_server.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/system_error.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string_view>

namespace admin_console {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint64_t kBodyLimit = 64 * 1024;
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// A browser keeps idle connections open and each holds a thread; beyond
// this many, new connections are refused rather than piling up threads.
constexpr std::size_t kMaxConnections = 64;
// How long a request (or the wait for the next one on a kept-alive
// connection) may take to arrive, and an answer to be taken.
constexpr std::chrono::seconds kReadTimeout{30};
constexpr std::chrono::seconds kWriteTimeout{10};

// The blocking socket behind a deadline. Beast's synchronous read and write
// take any stream with read_some/write_some; this one waits with poll(2)
// before each, so a client that stalls cannot hold its thread forever (a
// plain blocking socket has no timeouts in Asio).
class DeadlineSocket {
  public:
    explicit DeadlineSocket(tcp::socket &socket) : socket_(socket) {}

    void expires_after(Clock::duration timeout) { deadline_ = Clock::now() + timeout; }

    template <typename MutableBuffers>
    std::size_t read_some(const MutableBuffers &buffers, beast::error_code &ec) {
        if (!wait(POLLIN, ec)) {
            return 0;
        }
        return socket_.read_some(buffers, ec);
    }
    template <typename MutableBuffers>
    std::size_t read_some(const MutableBuffers &buffers) {
        beast::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        if (ec) {
            throw boost::system::system_error(ec);
        }
        return n;
    }
    template <typename ConstBuffers>
    std::size_t write_some(const ConstBuffers &buffers, beast::error_code &ec) {
        if (!wait(POLLOUT, ec)) {
            return 0;
        }
        return socket_.write_some(buffers, ec);
    }
    template <typename ConstBuffers>
    std::size_t write_some(const ConstBuffers &buffers) {
        beast::error_code ec;
        const std::size_t n = write_some(buffers, ec);
        if (ec) {
            throw boost::system::system_error(ec);
        }
        return n;
    }

  private:
    bool wait(short events, beast::error_code &ec) {
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
            if (left.count() <= 0) {
                ec = asio::error::timed_out;
                return false;
            }
            pollfd p{socket_.native_handle(), events, 0};
            const int rc = ::poll(&p, 1, static_cast<int>(left.count()));
            if (rc > 0) {
                return true;  // ready, or an error/hang-up the next call reports
            }
            if (rc < 0 && errno != EINTR) {
                ec = beast::error_code(errno, boost::system::system_category());
                return false;
            }
        }
    }

    tcp::socket &socket_;
    Clock::time_point deadline_ = Clock::now();
};

// A short plain-text answer for requests that never reach the handler.
Response transport_error(http::status status) {
    Response res{status, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::string(http::obsolete_reason(status)) + "\n";
    return res;
}

// The path only: a query string may carry things that do not belong in a
// log, and answers (such as a sign-in redirect) are never logged.
void log_request(const Request &req, const Response &res) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    const std::string_view method = req.method_string();
    std::fprintf(stderr, "%.*s %.*s -> %u\n", static_cast<int>(method.size()), method.data(),
                 static_cast<int>(path.size()), path.data(), res.result_int());
}

bool is_http_parse_error(const beast::error_code &ec) {
    return ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

HttpServer::HttpServer(asio::io_context &ioc, const tcp::endpoint &endpoint) : acceptor_(ioc) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
}

HttpServer::~HttpServer() {
    stop();
    join();
}

void HttpServer::start(Handler handler) {
    handler_ = std::move(handler);
    accept_next();
}

void HttpServer::stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto &connection : connections_) {
        // Shutting down only the receiving side wakes a thread waiting for
        // the next request, while one busy with a request can still send
        // its answer. (The socket object belongs to that thread; shutdown(2)
        // on the descriptor is safe from here, closing it would not be.)
        if (connection.fd >= 0) {
            ::shutdown(connection.fd, SHUT_RD);
        }
    }
}

void HttpServer::join() {
    ConnectionList all;
    {
        std::lock_guard lock(mutex_);
        all.splice(all.end(), connections_);  // iterators held by threads stay valid
    }
    for (auto &connection : all) {
        if (connection.thread.joinable()) {
            connection.thread.join();
        }
    }
}

void HttpServer::reap_finished() {
    for (auto it = connections_.begin(); it != connections_.end();) {
        if (it->done) {
            it->thread.join();  // it has already returned or is about to
            it = connections_.erase(it);
        } else {
            ++it;
        }
    }
}

void HttpServer::accept_next() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
            return;  // stopped
        }
        if (!ec) {
            std::lock_guard lock(mutex_);
            reap_finished();
            if (!stopping_ && connections_.size() < kMaxConnections) {
                const auto self = connections_.emplace(connections_.end());
                self->fd = socket.native_handle();
                self->thread = std::thread(&HttpServer::serve, this, std::move(socket), self);
            }
            // Otherwise the socket is closed here: the connection is refused.
        }
        accept_next();
    });
}

void HttpServer::serve(tcp::socket socket, ConnectionList::iterator self) {
    try {
        serve_requests(socket);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "connection error: %s\n", e.what());
    }
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    {
        // Forget the descriptor before closing it, so stop() never shuts
        // down a reused descriptor that now belongs to someone else.
        std::lock_guard lock(mutex_);
        self->fd = -1;
        self->done = true;
    }
    socket.close(ignored);
}

void HttpServer::serve_requests(tcp::socket &socket) {
    DeadlineSocket stream(socket);
    beast::flat_buffer buffer;
    while (!stopping_) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(kBodyLimit);
        parser.header_limit(kHeaderLimit);
        beast::error_code ec;
        stream.expires_after(kReadTimeout);
        http::read_header(stream, buffer, parser, ec);
        if (!ec && !parser.is_done()) {
            // curl and some libraries wait for this before sending a body.
            if (parser.get()[http::field::expect] == "100-continue") {
                http::response<http::empty_body> go_on{http::status::continue_,
                                                       parser.get().version()};
                stream.expires_after(kWriteTimeout);
                http::write(stream, go_on, ec);
                stream.expires_after(kReadTimeout);
            }
            if (!ec) {
                http::read(stream, buffer, parser, ec);
            }
        }

        Response res;
        if (ec == http::error::body_limit) {
            res = transport_error(http::status::payload_too_large);
        } else if (ec == http::error::header_limit) {
            res = transport_error(http::status::request_header_fields_too_large);
        } else if (ec && is_http_parse_error(ec)) {
            res = transport_error(http::status::bad_request);
        } else if (ec) {
            return;  // the client left, timed out, or stop() woke us
        }
        if (ec) {
            res.keep_alive(false);
            res.prepare_payload();
            stream.expires_after(kWriteTimeout);
            http::write(stream, res, ec);
            return;
        }

        Request req = parser.release();
        try {
            res = handler_(req);
        } catch (const std::exception &e) {
            std::fprintf(stderr, "error handling a request: %s\n", e.what());
            res = transport_error(http::status::internal_server_error);
        }
        log_request(req, res);
        // While stopping, this answer is the connection's last.
        const bool keep_alive = req.keep_alive() && !stopping_;
        res.version(req.version());
        res.keep_alive(keep_alive);
        res.prepare_payload();
        stream.expires_after(kWriteTimeout);
        http::write(stream, res, ec);
        if (ec || !keep_alive) {
            return;
        }
    }
}

}  // namespace admin_console
