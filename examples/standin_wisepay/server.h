// The HTTP side: one acceptor driven by an io_context (so a signal can stop
// it), and one plain blocking thread per connection, which keeps the request
// handling simple. stop() wakes every thread; join() waits for them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <list>
#include <mutex>
#include <thread>

#include "portal.h"

namespace wisepay_standin {

class Server {
  public:
    // Binds and listens right away, so port() is known before the portal
    // (whose URLs contain it) exists. Throws on bind failure.
    Server(boost::asio::io_context &ioc, const boost::asio::ip::tcp::endpoint &endpoint);
    ~Server();
    Server(const Server &) = delete;
    Server &operator=(const Server &) = delete;

    std::uint16_t port() const { return port_; }

    // Starts accepting; connections are served from their own threads.
    void start(Portal &portal);
    // On the io_context's thread, or after it ran: no new connections, and every open
    // one is shut down so its thread returns.
    void stop();
    // Waits for all connection threads.
    void join();

  private:
    struct Connection {
        std::thread thread;
        int fd = -1;  // -1 once the thread is done with the socket
        bool done = false;
    };

    void accept_next();
    void serve(boost::asio::ip::tcp::socket socket, std::list<Connection>::iterator self);
    void reap_finished();  // callers hold mutex_

    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    Portal *portal_ = nullptr;

    std::mutex mutex_;
    std::list<Connection> connections_;  // a list: entries never move while threads run
    bool stopping_ = false;
};

}  // namespace wisepay_standin
