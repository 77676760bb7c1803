// The implementation of client.h: request checks and serialization,
// the connection pool, and the one resend after a stale pooled connection.
#include "plugin/http/client.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <string_view>
#include <utility>

#include "plugin/http/connection.h"
#include "plugin/http/tls_context.h"
#include "plugin/util/byte_words.h"

namespace wisepay::http {
namespace {

namespace bhttp = boost::beast::http;

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

// RFC 9110 token characters (tchar), for header names, by byte value: a
// search of the punctuation list for every '-' was most of a request's
// checks.
constexpr std::array<bool, 256> kTokenChars = [] {
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c)
        table[c] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        table[c] = true;
    for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
        table[static_cast<unsigned char>(c)] = true;
    return table;
}();

bool is_token(std::string_view s) {
    if (s.empty())
        return false;
    for (const char c : s) {
        if (!kTokenChars[static_cast<unsigned char>(c)])
            return false;
    }
    return true;
}

bool is_field_value_byte(unsigned char byte) {
    return (byte >= 0x20 || byte == '\t') && byte != 0x7F;
}

// Visible characters, space, tab and obs-text: no CR, LF, NUL or other
// control characters that could split or smuggle a header. Eight bytes at a
// time, since the API key is most of a request's field bytes: a word with
// no byte below 0x20 and none equal to 0x7F passes whole, any other word
// byte by byte (a tab is below 0x20 but allowed).
bool is_field_value(std::string_view s) {
    namespace words = byte_words;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        const std::uint64_t word = words::load(s.data() + i);
        if (words::any_below(word, 0x20) || words::any_equal(word, 0x7F)) {
            for (std::size_t j = i; j < i + 8; ++j) {
                if (!is_field_value_byte(static_cast<unsigned char>(s[j])))
                    return false;
            }
        }
    }
    for (; i < s.size(); ++i) {
        if (!is_field_value_byte(static_cast<unsigned char>(s[i])))
            return false;
    }
    return true;
}

bool is_origin_form(std::string_view target) {
    if (target.empty() || target.front() != '/')
        return false;
    for (const char c : target) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7F)
            return false;
    }
    return true;
}

// Header fields the client manages itself.
constexpr std::array<std::string_view, 8> kReservedFields = {
    "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade",
    "te",   "trailer"};

// What connections are pooled and TLS sessions remembered under. Made only
// for a new connection: a click finds its pool by scheme, host and port.
std::string origin_of(const Url &url) {
    const bool ipv6 = url.host.find(':') != std::string::npos;
    return url.scheme + "://" + (ipv6 ? "[" + url.host + "]" : url.host) + ":" +
           std::to_string(url.port);
}

// A number as decimal digits in `out`, for the request's fields.
std::string_view decimal(std::size_t value, std::array<char, 20> &out) {
    const auto end = std::to_chars(out.data(), out.data() + out.size(), value).ptr;
    return {out.data(), static_cast<std::size_t>(end - out.data())};
}

[[noreturn]] void refuse(const Url &url, const std::string &why) {
    throw TransportError(Failure::kRefused, false,
                         "request to " + url.authority() + " refused: " + why);
}

}  // namespace

// ---------------------------------------------------------------------------

struct Client::Impl {
    explicit Impl(ClientOptions opts) : options(std::move(opts)), tls(options.ca_file) {}

    // The idle connections to one origin, newest last.
    struct Pool {
        std::string scheme;
        std::string host;
        std::uint16_t port = 0;
        std::vector<std::unique_ptr<Connection>> idle;
    };

    Response send(const Request &request, Clock::time_point deadline);
    WireRequest build(const Request &request) const;
    Pool *pool_for_locked(const Url &url);
    std::unique_ptr<Connection> checkout(const Url &url);
    void checkin(std::unique_ptr<Connection> connection, const Url &url);
    // Moves out idle connections too old to trust; the caller closes them
    // after releasing the lock.
    void evict_stale_locked(Clock::time_point now, std::vector<std::unique_ptr<Connection>> &out);

    const ClientOptions options;
    // Declared before the pool: connections go first.
    TlsContext tls;
    DnsResolver dns;

    // Held only to move a connection in or out of `idle`: every click takes
    // it twice, so nothing slow (a clock read, an allocation, a close) runs
    // under it.
    mutable std::mutex mutex;
    // One per origin ever used, searched in order: there are few, and a
    // search compares the URL's scheme, host and port where a map needed an
    // origin string made and hashed on every click. A pool stays when it
    // empties, since dropping it would free and allocate on every click.
    std::vector<Pool> pools;
    std::atomic<std::uint64_t> connects{0};
    std::atomic<std::uint64_t> reuses{0};
    std::atomic<std::uint64_t> tls_resumptions{0};
};

WireRequest Client::Impl::build(const Request &request) const {
    const Url &url = request.url;
    if (url.scheme != "https" && url.scheme != "http")
        refuse(url, "the scheme is not http(s)");
    if (!url.is_https() && !options.allow_plain_http)
        refuse(url, "plain http is not allowed");
    if (url.host.empty() || url.port == 0)
        refuse(url, "no host or port");
    if (!is_origin_form(url.target))
        refuse(url, "the target is not a valid path");
    if (request.method == bhttp::verb::unknown)
        refuse(url, "unknown method");
    if (request.method == bhttp::verb::trace && !request.body.empty()) {
        refuse(url, "TRACE with a body");
    }
    bool user_agent_given = false;
    for (const Header &header : request.headers) {
        // The name may be shown; the value never is.
        if (!is_token(header.name))
            refuse(url, "a header name is not a valid token");
        for (const auto reserved : kReservedFields) {
            if (iequals(header.name, reserved))
                refuse(url, "header " + header.name + " is set by the client");
        }
        if (!is_field_value(header.value.view())) {
            refuse(url, "the value of header " + header.name + " has a control character");
        }
        user_agent_given = user_agent_given || iequals(header.name, "user-agent");
    }

    const std::string_view method = bhttp::to_string(request.method);
    // Host: url.authority(), written from its parts.
    const bool ipv6 = url.host.find(':') != std::string::npos;
    const bool default_port = url.port == (url.is_https() ? 443 : 80);
    std::array<char, 20> port_digits;
    const std::string_view port = default_port ? "" : decimal(url.port, port_digits);
    const bool own_user_agent = !user_agent_given && !options.user_agent.empty();
    // A length for any body, and for POST, PUT and OPTIONS even without one
    // (as Beast's prepare_payload does). No Connection field: HTTP/1.1
    // connections stay open unless a side says "close".
    const bool length_field = !request.body.empty() || request.method == bhttp::verb::post ||
                              request.method == bhttp::verb::put ||
                              request.method == bhttp::verb::options;
    std::array<char, 20> length_digits;
    const std::string_view length = decimal(request.body.size(), length_digits);
    // Calls emit(part) for each piece of the request, in wire order.
    const auto each_part = [&](auto &&emit) {
        const auto line = [&](const auto &...parts) { (emit(std::string_view(parts)), ...); };
        line(method, " ", url.target, " HTTP/1.1\r\n");
        line("Host: ", ipv6 ? "[" : "", url.host, ipv6 ? "]" : "", default_port ? "" : ":", port,
             "\r\n");
        if (own_user_agent)
            line("User-Agent: ", options.user_agent, "\r\n");
        for (const Header &header : request.headers)
            line(header.name, ": ", header.value.view(), "\r\n");
        if (length_field)
            line("Content-Length: ", length, "\r\n");
        line("\r\n", request.body);
    };
    // Sized first, so the one buffer is allocated once and never grows.
    std::size_t size = 0;
    each_part([&](std::string_view part) { size += part.size(); });
    WireRequest wire{SecretBytes(size), request.method == bhttp::verb::head};
    unsigned char *out = wire.bytes.data();
    // memcpy: std::copy from char to unsigned char went byte by byte.
    each_part([&](std::string_view part) {
        if (!part.empty())
            std::memcpy(out, part.data(), part.size());
        out += part.size();
    });
    return wire;
}

Client::Impl::Pool *Client::Impl::pool_for_locked(const Url &url) {
    for (Pool &pool : pools) {
        if (pool.port == url.port && pool.host == url.host && pool.scheme == url.scheme)
            return &pool;
    }
    return nullptr;
}

std::unique_ptr<Connection> Client::Impl::checkout(const Url &url) {
    for (;;) {
        std::vector<std::unique_ptr<Connection>> stale;
        std::unique_ptr<Connection> candidate;
        const auto now = Clock::now();
        const auto self = std::this_thread::get_id();
        {
            std::lock_guard lock(mutex);
            evict_stale_locked(now, stale);
            Pool *pool = pool_for_locked(url);
            if (pool != nullptr && !pool->idle.empty()) {
                // The one this thread used last if it is idle, else the
                // newest. Threads that keep their connection keep its TLS
                // state in their core's cache, and the scheduler keeps each
                // thread beside whatever wakes it; a shuffled pool showed as
                // a hundred times more CPU migrations under load.
                auto &connections = pool->idle;
                auto mine = std::find_if(connections.rbegin(), connections.rend(),
                                         [&](const auto &c) { return c->last_user == self; });
                auto chosen = mine != connections.rend() ? std::prev(mine.base())
                                                         : std::prev(connections.end());
                candidate = std::move(*chosen);
                connections.erase(chosen);
            }
        }
        stale.clear();  // closed outside the lock
        if (!candidate)
            return nullptr;
        if (candidate->still_open()) {
            ++reuses;
            return candidate;
        }
        // The server closed it while it was idle: drop it, try the next one.
    }
}

void Client::Impl::checkin(std::unique_ptr<Connection> connection, const Url &url) {
    if (!connection->reusable() || options.max_idle_per_origin == 0 ||
        options.idle_timeout <= std::chrono::seconds::zero()) {
        return;
    }
    std::vector<std::unique_ptr<Connection>> stale;
    const auto now = Clock::now();
    connection->idle_since = now;
    connection->last_user = std::this_thread::get_id();
    {
        std::lock_guard lock(mutex);
        evict_stale_locked(now, stale);
        Pool *pool = pool_for_locked(url);
        if (pool == nullptr) {
            pool = &pools.emplace_back();
            pool->scheme = url.scheme;
            pool->host = url.host;
            pool->port = url.port;
        }
        if (pool->idle.size() < options.max_idle_per_origin) {
            pool->idle.push_back(std::move(connection));
        }
    }
    // Over the cap, `connection` is closed here, outside the lock.
}

void Client::Impl::evict_stale_locked(Clock::time_point now,
                                      std::vector<std::unique_ptr<Connection>> &out) {
    for (Pool &pool : pools) {
        auto &connections = pool.idle;
        for (auto c = connections.begin(); c != connections.end();) {
            if (now - (*c)->idle_since >= options.idle_timeout) {
                out.push_back(std::move(*c));
                c = connections.erase(c);
            } else {
                ++c;
            }
        }
    }
}

Response Client::Impl::send(const Request &request, Clock::time_point deadline) {
    const WireRequest wire = build(request);
    const Url &url = request.url;
    if (Clock::now() >= deadline) {
        throw TransportError(Failure::kTimeout, false,
                             "request to " + url.authority() + ": the deadline had passed");
    }
    const Limits &limits = options.limits;

    std::unique_ptr<Connection> connection = checkout(url);
    bool reused = connection != nullptr;
    bool sent_before = false;  // by an earlier attempt
    for (;;) {
        try {
            if (!connection) {
                connection = Connection::open(url, origin_of(url), url.is_https() ? &tls : nullptr,
                                              dns, deadline);
                ++connects;
                if (connection->tls_session_resumed())
                    ++tls_resumptions;
            }
            Response response = connection->exchange(wire, limits, deadline);
            response.reused_connection = reused;
            response.tls_session_resumed = connection->tls_session_resumed();
            checkin(std::move(connection), url);
            return response;
        } catch (const TransportError &e) {
            // A failed stream is never reused. A pooled one can have been
            // closed by the server without notice: if nothing of an answer
            // came back, try once more on a new connection.
            const bool retry = reused && connection && !connection->answer_started() &&
                               e.failure() == Failure::kConnectionLost && Clock::now() < deadline;
            connection.reset();
            if (retry) {
                reused = false;
                sent_before = e.request_sent();
                continue;
            }
            if (sent_before && !e.request_sent()) {
                throw TransportError(e.failure(), true, e.what());
            }
            throw;
        }
    }
}

// ---------------------------------------------------------------------------

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Client::~Client() = default;

Response Client::send(const Request &request, std::chrono::steady_clock::time_point deadline) {
    try {
        return impl_->send(request, deadline);
    } catch (const TransportError &) {
        throw;
    } catch (const std::bad_alloc &) {
        throw;
    } catch (const std::exception &e) {
        // Asio and Beast report some failures by throwing (a name lookup
        // thread the system will not start, say; a TLS object that cannot be
        // made is already a kTls failure). Their messages hold no request
        // data.
        throw TransportError(Failure::kConnectionLost, true,
                             "request to " + request.url.authority() + " failed: " + e.what());
    }
}

Client::PoolStats Client::pool_stats() const {
    std::lock_guard lock(impl_->mutex);
    PoolStats stats;
    for (const auto &pool : impl_->pools)
        stats.idle += pool.idle.size();
    stats.connects = impl_->connects;
    stats.reuses = impl_->reuses;
    stats.tls_resumptions = impl_->tls_resumptions;
    return stats;
}

}  // namespace wisepay::http
