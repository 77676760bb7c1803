#include "server.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cerrno>
#include <cstdio>
#include <exception>

#include "routes.h"

namespace wisepay_standin {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t kBodyLimit = 64 * 1024;
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// Enough for a demo with a browser and a plugin; more is refused rather
// than letting threads pile up.
constexpr std::size_t kMaxConnections = 64;
// A browser keeps idle connections open; dropping them after a while frees
// their threads.
constexpr int kIdleTimeoutMs = 30'000;

bool wait_readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    int rc;
    do {
        rc = ::poll(&p, 1, kIdleTimeoutMs);
    } while (rc < 0 && errno == EINTR);
    return rc > 0;
}

bool is_parse_error(const beast::error_code &ec) {
    return ec.category() == http::make_error_code(http::error::bad_target).category();
}

// The access log names the path only: a query can hold a sign-in token.
void log_request(const Request &req, const Response &res) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    std::fprintf(stderr, "%.*s %.*s -> %u\n", static_cast<int>(req.method_string().size()),
                 req.method_string().data(), static_cast<int>(path.size()), path.data(),
                 res.result_int());
}

void write_response(tcp::socket &socket, Response &res, bool keep_alive) {
    res.keep_alive(keep_alive);
    res.prepare_payload();
    beast::error_code ignored;
    http::write(socket, res, ignored);
}

}  // namespace

Server::Server(asio::io_context &ioc, const tcp::endpoint &endpoint) : acceptor_(ioc) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
}

Server::~Server() {
    stop();
    join();
}

void Server::start(Portal &portal) {
    portal_ = &portal;
    accept_next();
}

void Server::stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto &connection : connections_) {
        // shutdown(2) rather than closing the socket object: the owning
        // thread may be blocked in a read on it, and shutdown wakes it safely.
        if (connection.fd >= 0) {
            ::shutdown(connection.fd, SHUT_RDWR);
        }
    }
}

void Server::join() {
    std::list<Connection> all;
    {
        std::lock_guard lock(mutex_);
        all.splice(all.end(), connections_);  // iterators stay valid for the threads
    }
    for (auto &connection : all) {
        connection.thread.join();
    }
}

void Server::reap_finished() {
    for (auto it = connections_.begin(); it != connections_.end();) {
        if (it->done) {
            it->thread.join();  // already returning; this does not wait long
            it = connections_.erase(it);
        } else {
            ++it;
        }
    }
}

void Server::accept_next() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
            return;  // stopped
        }
        if (!ec) {
            std::lock_guard lock(mutex_);
            reap_finished();
            if (!stopping_ && connections_.size() < kMaxConnections) {
                auto self = connections_.emplace(connections_.end());
                self->fd = socket.native_handle();
                self->thread = std::thread(&Server::serve, this, std::move(socket), self);
            }
            // Otherwise the socket closes here, refusing the connection.
        }
        accept_next();
    });
}

void Server::serve(tcp::socket socket, std::list<Connection>::iterator self) {
    beast::flat_buffer buffer;
    for (;;) {
        if (buffer.size() == 0 && !wait_readable(socket.native_handle())) {
            break;  // idle too long
        }
        http::request_parser<http::string_body> parser;
        parser.body_limit(kBodyLimit);
        parser.header_limit(kHeaderLimit);
        beast::error_code ec;
        http::read_header(socket, buffer, parser, ec);
        if (!ec && !parser.is_done()) {
            // curl and others wait for this before sending a body.
            if (parser.get()[http::field::expect] == "100-continue") {
                http::response<http::empty_body> go_on{http::status::continue_,
                                                       parser.get().version()};
                http::write(socket, go_on, ec);
            }
            if (!ec) {
                http::read(socket, buffer, parser, ec);
            }
        }
        if (ec == http::error::body_limit) {
            Response res = transport_error(http::status::payload_too_large);
            write_response(socket, res, false);
            break;
        }
        if (ec == http::error::header_limit) {
            Response res = transport_error(http::status::request_header_fields_too_large);
            write_response(socket, res, false);
            break;
        }
        if (ec && is_parse_error(ec) && ec != http::error::end_of_stream &&
            ec != http::error::partial_message) {
            Response res = transport_error(http::status::bad_request);
            write_response(socket, res, false);
            break;
        }
        if (ec) {
            break;  // the peer went away, or stop() shut the socket
        }

        const Request &req = parser.get();
        Response res;
        try {
            res = handle_request(*portal_, req);
        } catch (const std::exception &e) {
            std::fprintf(stderr, "error handling a request: %s\n", e.what());
            res = transport_error(http::status::internal_server_error);
        }
        log_request(req, res);
        const bool keep_alive = req.keep_alive();
        write_response(socket, res, keep_alive);
        if (!keep_alive) {
            break;
        }
    }

    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    {
        // Forget the descriptor before closing it, so stop() can never shut
        // down a reused descriptor that belongs to someone else.
        std::lock_guard lock(mutex_);
        self->fd = -1;
        self->done = true;
    }
    socket.close(ignored);
}

}  // namespace wisepay_standin
