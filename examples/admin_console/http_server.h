// A small synchronous HTTP/1.1 server on Boost.Beast: an acceptor driven by
// an io_context (so a signal can stop it), and one plain blocking thread per
// connection, which keeps request handling simple to read. The handler runs
// on those threads, several at once.
//
// Stopping is graceful: stop() closes the acceptor and wakes connections
// that wait for a request; a request already being handled finishes and
// gets its answer; join() waits for all of that.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

#include "http_types.h"

namespace admin_console {

class HttpServer {
  public:
    using Handler = std::function<Response(Request &)>;

    // Binds and listens right away, so port() is known before anything that
    // needs the console's own URL is built. Throws on failure.
    HttpServer(boost::asio::io_context &ioc, const boost::asio::ip::tcp::endpoint &endpoint);
    ~HttpServer();
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    std::uint16_t port() const { return port_; }

    void start(Handler handler);
    // On the io_context's thread (or after it stopped).
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

    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    Handler handler_;
    std::atomic<bool> stopping_{false};

    std::mutex mutex_;
    ConnectionList connections_;
};

}  // namespace admin_console
