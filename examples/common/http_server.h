// The HTTP/1.1 server of the example programs (the admin console and the
// stand-in Wise-Pay), on Boost.Beast: an acceptor driven by an io_context,
// so that SIGINT and SIGTERM can stop it, and one plain blocking thread per
// connection, which keeps request handling simple to read. The handler runs
// on those threads, several at once.
//
// Every connection has deadlines: a request must arrive within
// read_timeout of the server starting to wait for it (which also ends idle
// kept-alive connections; a body sent after "100 Continue" gets a fresh
// read_timeout), and an answer must be taken within write_timeout. A client
// that stalls loses its connection, not a thread.
//
// Stopping is graceful: stop() (or SIGINT/SIGTERM) closes the acceptor and
// wakes connections that wait for a request; a request already being
// handled finishes and gets its answer; join() waits for all of that.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace examples_common {

namespace http = boost::beast::http;

// Every page and API answer of the examples is small: in-memory bodies.
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct ServerLimits {
    std::chrono::milliseconds read_timeout = std::chrono::seconds(30);
    std::chrono::milliseconds write_timeout = std::chrono::seconds(10);
    // Each connection holds a thread (and a browser keeps idle ones open);
    // beyond this many, new connections are refused rather than piling up
    // threads.
    std::size_t max_connections = 64;
    std::uint64_t body_limit = 64 * 1024;
    std::uint32_t header_limit = 16 * 1024;
};

// A short plain-text answer: the default for requests that never reach the
// handler.
Response plain_error(http::status status);

class HttpServer {
  public:
    // Answers one request; runs on connection threads, several at once.
    using Handler = std::function<Response(Request &)>;
    // Answers a request that never reached the handler (413 too large, 431
    // headers too large, 400 malformed) or whose handler threw (500).
    using ErrorAnswer = std::function<Response(http::status)>;

    // Binds and listens right away, so port() is known before anything that
    // needs the server's own URL is built. Throws on failure.
    HttpServer(boost::asio::io_context &ioc, const boost::asio::ip::tcp::endpoint &endpoint,
               ServerLimits limits = {});
    ~HttpServer();
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    std::uint16_t port() const { return port_; }

    // Starts accepting, and waiting for SIGINT and SIGTERM, on the
    // io_context: run it to serve.
    void start(Handler handler, ErrorAnswer error_answer = plain_error);
    // On the io_context's thread (or after it stopped). Afterwards the
    // io_context runs out of work, and a second SIGINT or SIGTERM ends the
    // process at once, should a request hang.
    void stop();
    // Returns once every connection thread has finished.
    void join();

  private:
    struct Connection {
        std::thread thread;
        int fd = -1;  // -1 once the thread no longer uses the socket
        bool done = false;
    };
    using ConnectionList = std::list<Connection>;  // entries never move

    void accept_next();
    void serve(boost::asio::ip::tcp::socket socket, ConnectionList::iterator self);
    void serve_requests(boost::asio::ip::tcp::socket &socket);
    void reap_finished();  // with mutex_ held

    const ServerLimits limits_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::signal_set signals_;
    std::uint16_t port_ = 0;
    Handler handler_;
    ErrorAnswer error_answer_;
    std::atomic<bool> stopping_{false};

    std::mutex mutex_;
    ConnectionList connections_;
};

}  // namespace examples_common
