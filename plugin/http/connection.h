// One HTTP/1.1 connection (TLS or, for local demos, plain TCP), driven by
// the thread that uses it, every wait bounded by the caller's deadline. Not
// thread-safe: the pool hands a connection to one thread at a time.
#pragma once

#include <openssl/crypto.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "plugin/http/errors.h"
#include "plugin/http/message.h"
#include "plugin/util/secret.h"
#include "plugin/util/url.h"
#include "plugin/util/wiping_memory.h"

namespace wisepay::http {

class TlsContext;

using Clock = std::chrono::steady_clock;

// A request as it goes on the wire: start line, header fields and body,
// serialized once into one buffer that is wiped when it goes (it holds the
// API key). One buffer also makes one write that Asio hands to SSL_write as
// it is; a sequence of buffers would first be copied into an 8 KiB array on
// the stack (asio/ssl/detail/write_op.hpp), which nobody wipes.
struct WireRequest {
    SecretBytes bytes;
    bool head = false;  // the answer to HEAD has a length but no body
};

// Name resolution bounded by a deadline. The system resolver cannot be
// interrupted, so a lookup that outlives its deadline is left to finish on
// its own and collected later; the destructor waits for any still running.
class DnsResolver {
  public:
    DnsResolver() = default;
    ~DnsResolver();
    DnsResolver(const DnsResolver &) = delete;
    DnsResolver &operator=(const DnsResolver &) = delete;

    // Throws TransportError: kTimeout, or kConnect when the name does not resolve.
    boost::asio::ip::tcp::resolver::results_type resolve(const std::string &host,
                                                         std::uint16_t port,
                                                         Clock::time_point deadline);

  private:
    struct Lookup;
    void collect_finished();

    std::mutex mutex_;
    std::vector<std::shared_ptr<Lookup>> abandoned_;
};

// A connected TCP socket whose synchronous reads and writes wait for it with
// ppoll(), never past a deadline: the layer below the TLS stream, and the
// stream itself for plain http. The socket is in non-blocking mode, so a
// read or write that cannot go ahead returns at once and this waits. After
// a timeout the socket must not be used again (a TLS stream above it may
// have lost bytes in flight).
//
// A request and its answer take one write, one ppoll and one read. Through
// Asio's reactor the same took two more system calls (an epoll_wait that
// only picked up the write's completion, and a read that found nothing
// yet), and a handler dispatched for every step.
class DeadlineSocket {
  public:
    using lowest_layer_type = boost::asio::ip::tcp::socket;
    using executor_type = lowest_layer_type::executor_type;

    explicit DeadlineSocket(boost::asio::io_context &ioc) : socket_(ioc) {}

    lowest_layer_type &lowest_layer() { return socket_; }
    executor_type get_executor() { return socket_.get_executor(); }

    // For the reads and writes that follow. Also forgets wait_before_reading().
    void set_deadline(Clock::time_point deadline) {
        deadline_ = deadline;
        wait_first_ = false;
    }
    // The next read waits before it tries: just after a request the answer
    // is not there yet, and a read that finds nothing is a system call for
    // nothing.
    void wait_before_reading() { wait_first_ = true; }

    template <typename MutableBuffers>
    std::size_t read_some(const MutableBuffers &buffers, boost::system::error_code &ec) {
        if (std::exchange(wait_first_, false) && !wait(kReadable, ec))
            return 0;
        for (;;) {
            const std::size_t n = socket_.read_some(buffers, ec);
            if (ec != boost::asio::error::would_block || !wait(kReadable, ec))
                return n;
        }
    }
    template <typename ConstBuffers>
    std::size_t write_some(const ConstBuffers &buffers, boost::system::error_code &ec) {
        for (;;) {
            const std::size_t n = socket_.write_some(buffers, ec);
            if (ec != boost::asio::error::would_block || !wait(kWritable, ec))
                return n;
        }
    }
    // The throwing forms that the stream concepts require.
    template <typename MutableBuffers>
    std::size_t read_some(const MutableBuffers &buffers) {
        boost::system::error_code ec;
        const std::size_t n = read_some(buffers, ec);
        if (ec)
            throw boost::system::system_error(ec);
        return n;
    }
    template <typename ConstBuffers>
    std::size_t write_some(const ConstBuffers &buffers) {
        boost::system::error_code ec;
        const std::size_t n = write_some(buffers, ec);
        if (ec)
            throw boost::system::system_error(ec);
        return n;
    }

  private:
    static constexpr short kReadable = 0x001;  // POLLIN
    static constexpr short kWritable = 0x004;  // POLLOUT
    // Waits until the socket is ready for `events`, has an error or is
    // closed by the peer (the next read or write reports which). False,
    // with ec set to beast::error::timeout, once the deadline has passed.
    bool wait(short events, boost::system::error_code &ec);

    lowest_layer_type socket_;
    Clock::time_point deadline_{};
    bool wait_first_ = false;
};

class Connection {
  public:
    // Connects to `url`'s origin before `deadline`: DNS (skipped for an IP
    // literal), TCP and, with `tls` (required for https), a verified TLS
    // handshake with SNI and session resumption. Throws TransportError:
    // kConnect, kTls or kTimeout; nothing has been sent then.
    static std::unique_ptr<Connection> open(const Url &url, std::string origin, TlsContext *tls,
                                            DnsResolver &dns, Clock::time_point deadline);

    // Closes the socket without a TLS close_notify: never blocks.
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Writes `request` and reads one complete answer (skipping 1xx interim
    // answers) before `deadline`: status, body and the header fields a
    // Response holds. Throws TransportError; answer_started() then tells
    // whether any byte of the answer had arrived. After a throw, or when
    // reusable() is false, the connection must be dropped. Either way the
    // read buffer is wiped before this returns.
    Response exchange(const WireRequest &request, const Limits &limits, Clock::time_point deadline);

    // The last answer was complete, allowed keep-alive and nothing follows it.
    bool reusable() const { return reusable_; }
    bool answer_started() const { return answer_started_; }
    bool tls_session_resumed() const { return tls_session_resumed_; }

    // For an idle connection: false when the server has closed it or sent
    // something unasked (readable socket), so it must not be reused.
    bool still_open();

    // Kept by the pool: when the connection went idle, and which thread used
    // it last (that thread gets it back first, see Client::checkout).
    Clock::time_point idle_since;
    std::thread::id last_user;

  private:
    explicit Connection(std::string origin) : origin_(std::move(origin)) {}
    DeadlineSocket &socket();
    boost::asio::ip::tcp::socket &tcp() { return socket().lowest_layer(); }
    // Runs one asynchronous operation (the TCP connect) to completion or
    // to the deadline, on the calling thread.
    template <typename Initiate>
    boost::system::error_code run(Clock::time_point deadline, Initiate &&initiate);
    template <typename Operation>
    auto with_stream(Operation &&operation);

    // Declared first, destroyed last: the sockets and streams use its
    // services (the asynchronous connect; Asio's TLS stream also makes two
    // timers on it, which only its asynchronous operations use, never the
    // synchronous reads and writes here).
    boost::asio::io_context ioc_{1};
    const std::string origin_;  // also what TLS sessions are remembered under
    std::optional<boost::asio::ssl::stream<DeadlineSocket>> tls_;
    std::optional<DeadlineSocket> plain_;
    // Kept across answers. Reallocation wipes the old storage, and each
    // exchange wipes all of it at the end: it held the answer.
    using ReadBuffer = boost::beast::basic_flat_buffer<WipingAllocator<char>>;
    ReadBuffer buffer_;
    bool tls_session_resumed_ = false;
    bool reusable_ = false;
    bool answer_started_ = false;
    bool clean_ = false;  // the last exchange ended with a complete answer
};

}  // namespace wisepay::http
