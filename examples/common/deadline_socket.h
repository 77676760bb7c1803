// A blocking TCP socket with a deadline, for the example servers' connection
// threads. Beast's synchronous read and write take any stream with
// read_some/write_some; this one waits with poll(2) before each, so a client
// that stalls (half a request header, an answer it never reads) cannot hold
// its thread forever. Asio's plain blocking socket has no timeouts, and
// SO_RCVTIMEO does not help: Asio polls again, without a limit, when recv
// times out.
#pragma once

#include <poll.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/system_error.hpp>

#include <cerrno>
#include <chrono>
#include <cstddef>

namespace examples_common {

class DeadlineSocket {
  public:
    using Clock = std::chrono::steady_clock;

    explicit DeadlineSocket(boost::asio::ip::tcp::socket &socket) : socket_(socket) {}

    // Every read and write from now on must be done by now + timeout: one
    // deadline for a whole phase (a request, an answer), not for each call,
    // so a client sending a byte now and then gains nothing.
    void expires_after(Clock::duration timeout) { deadline_ = Clock::now() + timeout; }

    template <typename MutableBuffers>
    std::size_t read_some(const MutableBuffers &buffers, boost::system::error_code &ec) {
        if (!wait(POLLIN, ec)) {
            return 0;
        }
        return socket_.read_some(buffers, ec);
    }
    template <typename MutableBuffers>
    std::size_t read_some(const MutableBuffers &buffers) {
        boost::system::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        if (ec) {
            throw boost::system::system_error(ec);
        }
        return n;
    }
    template <typename ConstBuffers>
    std::size_t write_some(const ConstBuffers &buffers, boost::system::error_code &ec) {
        if (!wait(POLLOUT, ec)) {
            return 0;
        }
        return socket_.write_some(buffers, ec);
    }
    template <typename ConstBuffers>
    std::size_t write_some(const ConstBuffers &buffers) {
        boost::system::error_code ec;
        const std::size_t n = write_some(buffers, ec);
        if (ec) {
            throw boost::system::system_error(ec);
        }
        return n;
    }

  private:
    // True once the socket is ready (or has an error or hang-up, which the
    // next call reports); false with ec set when the deadline passed.
    bool wait(short events, boost::system::error_code &ec) {
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
            if (left.count() <= 0) {
                ec = boost::asio::error::timed_out;
                return false;
            }
            pollfd p{socket_.native_handle(), events, 0};
            const int rc = ::poll(&p, 1, static_cast<int>(left.count()));
            if (rc > 0) {
                return true;
            }
            if (rc < 0 && errno != EINTR) {
                ec = boost::system::error_code(errno, boost::system::system_category());
                return false;
            }
        }
    }

    boost::asio::ip::tcp::socket &socket_;
    Clock::time_point deadline_ = Clock::now();
};

}  // namespace examples_common
