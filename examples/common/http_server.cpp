// The server's accept loop and connection threads: at most max_connections
// (one more is closed at once), each request read through DeadlineSocket,
// one too large or malformed answered without the handler, and a stderr
// line per request that names its path only (never the query or answer).
#include "http_server.h"

#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "deadline_socket.h"

namespace examples_common {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

// The path only: a query string may carry things that do not belong in a
// log (a sign-in token), and answers (such as a sign-in redirect) are never
// logged.
void log_request(const Request &req, const Response &res) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    const std::string_view method = req.method_string();
    std::fprintf(stderr, "%.*s %.*s -> %u\n", static_cast<int>(method.size()), method.data(),
                 static_cast<int>(path.size()), path.data(), res.result_int());
}

// A request the parser refused, as opposed to a client that went away
// before sending all of it.
bool is_http_parse_error(const beast::error_code &ec) {
    return ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

Response plain_error(http::status status) {
    Response res{status, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::string(http::obsolete_reason(status)) + "\n";
    return res;
}

HttpServer::HttpServer(asio::io_context &ioc, const tcp::endpoint &endpoint, ServerLimits limits)
    : limits_(limits), acceptor_(ioc), signals_(ioc) {
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

void HttpServer::start(Handler handler, ErrorAnswer error_answer) {
    handler_ = std::move(handler);
    error_answer_ = std::move(error_answer);
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.async_wait([this](const beast::error_code &ec, int) {
        if (!ec) {
            std::fputs("stopping: finishing requests in flight\n", stderr);
            stop();
        }
    });
    accept_next();
}

void HttpServer::stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    // Back to the default action for both signals, and no more waiting for
    // them, so the io_context runs out of work.
    signals_.clear(ignored);
    signals_.cancel(ignored);
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
            if (!stopping_ && connections_.size() < limits_.max_connections) {
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
        parser.body_limit(limits_.body_limit);
        parser.header_limit(limits_.header_limit);
        beast::error_code ec;
        stream.expires_after(limits_.read_timeout);
        http::read_header(stream, buffer, parser, ec);
        if (!ec && !parser.is_done()) {
            // curl and some libraries wait for this before sending a body.
            if (parser.get()[http::field::expect] == "100-continue") {
                http::response<http::empty_body> go_on{http::status::continue_,
                                                       parser.get().version()};
                stream.expires_after(limits_.write_timeout);
                http::write(stream, go_on, ec);
                stream.expires_after(limits_.read_timeout);
            }
            if (!ec) {
                http::read(stream, buffer, parser, ec);
            }
        }

        Response res;
        if (ec == http::error::body_limit) {
            res = error_answer_(http::status::payload_too_large);
        } else if (ec == http::error::header_limit) {
            res = error_answer_(http::status::request_header_fields_too_large);
        } else if (ec && is_http_parse_error(ec)) {
            res = error_answer_(http::status::bad_request);
        } else if (ec) {
            return;  // the client left, timed out, or stop() woke us
        }
        if (ec) {
            res.keep_alive(false);
            res.prepare_payload();
            stream.expires_after(limits_.write_timeout);
            http::write(stream, res, ec);
            return;
        }

        Request req = parser.release();
        try {
            res = handler_(req);
        } catch (const std::exception &e) {
            std::fprintf(stderr, "error handling a request: %s\n", e.what());
            res = error_answer_(http::status::internal_server_error);
        }
        log_request(req, res);
        // While stopping, this answer is the connection's last.
        const bool keep_alive = req.keep_alive() && !stopping_;
        res.version(req.version());
        res.keep_alive(keep_alive);
        res.prepare_payload();
        stream.expires_after(limits_.write_timeout);
        http::write(stream, res, ec);
        if (ec || !keep_alive) {
            return;
        }
    }
}

}  // namespace examples_common
