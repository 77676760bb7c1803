#include "plugin/http_client.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <new>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "plugin/http_connection.h"
#include "plugin/tls_context.h"

namespace wisepay::http {
namespace {

namespace bhttp = boost::beast::http;

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

// RFC 9110 token characters, for header names.
bool is_token(std::string_view s) {
    if (s.empty())
        return false;
    for (const char c : s) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

// Visible characters, space, tab and obs-text: no CR, LF, NUL or other
// control characters that could split or smuggle a header.
bool is_field_value(std::string_view s) {
    for (const char c : s) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && byte != '\t') || byte == 0x7F)
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

std::string origin_of(const Url &url) {
    const bool ipv6 = url.host.find(':') != std::string::npos;
    return url.scheme + "://" + (ipv6 ? "[" + url.host + "]" : url.host) + ":" +
           std::to_string(url.port);
}

[[noreturn]] void refuse(const Url &url, const std::string &why) {
    throw TransportError(Failure::kRefused, false,
                         "request to " + url.authority() + " refused: " + why);
}

}  // namespace

const char *to_string(Failure failure) {
    switch (failure) {
        case Failure::kConnect:
            return "connect";
        case Failure::kTls:
            return "tls";
        case Failure::kTimeout:
            return "timeout";
        case Failure::kConnectionLost:
            return "connection_lost";
        case Failure::kProtocol:
            return "protocol";
        case Failure::kBodyTooLarge:
            return "body_too_large";
        case Failure::kRefused:
            return "refused";
    }
    return "unknown";
}

// ---------------------------------------------------------------------------

struct Client::Impl {
    explicit Impl(ClientOptions opts) : options(std::move(opts)), tls(options.ca_file) {}

    Response send(const Request &request, Clock::time_point deadline);
    WireRequest build(const Request &request) const;
    std::unique_ptr<Connection> checkout(const std::string &origin);
    void checkin(std::unique_ptr<Connection> connection);
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
    // Newest last. An origin's entry stays when it empties: there are few
    // origins, and dropping it would free and allocate on every click.
    std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
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

    WireRequest wire{request.method, url.target, 11};
    wire.set(bhttp::field::host, url.authority());
    if (!options.user_agent.empty())
        wire.set(bhttp::field::user_agent, options.user_agent);
    bool user_agent_given = false;
    for (const auto &[name, value] : request.headers) {
        // The name may be shown; the value never is.
        if (!is_token(name))
            refuse(url, "a header name is not a valid token");
        for (const auto reserved : kReservedFields) {
            if (iequals(name, reserved))
                refuse(url, "header " + name + " is set by the client");
        }
        if (!is_field_value(value)) {
            refuse(url, "the value of header " + name + " has a control character");
        }
        if (iequals(name, "user-agent") && !user_agent_given) {
            wire.erase(bhttp::field::user_agent);
            user_agent_given = true;
        }
        wire.insert(name, value);
    }
    wire.body().assign(request.body.data(), request.body.size());
    wire.keep_alive(true);
    wire.prepare_payload();  // Content-Length when there is a body (and 0 for POST/PUT)
    return wire;
}

std::unique_ptr<Connection> Client::Impl::checkout(const std::string &origin) {
    for (;;) {
        std::vector<std::unique_ptr<Connection>> stale;
        std::unique_ptr<Connection> candidate;
        const auto now = Clock::now();
        const auto self = std::this_thread::get_id();
        {
            std::lock_guard lock(mutex);
            evict_stale_locked(now, stale);
            auto it = idle.find(origin);
            if (it != idle.end() && !it->second.empty()) {
                // The one this thread used last if it is idle, else the
                // newest. Threads that keep their connection keep its TLS
                // state in their core's cache, and the scheduler keeps each
                // thread beside whatever wakes it; a shuffled pool showed as
                // a hundred times more CPU migrations under load.
                auto &connections = it->second;
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

void Client::Impl::checkin(std::unique_ptr<Connection> connection) {
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
        auto &connections = idle[connection->origin()];
        if (connections.size() < options.max_idle_per_origin) {
            connections.push_back(std::move(connection));
        }
    }
    // Over the cap, `connection` is closed here, outside the lock.
}

void Client::Impl::evict_stale_locked(Clock::time_point now,
                                      std::vector<std::unique_ptr<Connection>> &out) {
    for (auto &[origin, connections] : idle) {
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
    const std::string origin = origin_of(url);
    const Limits limits{options.max_response_header, options.max_response_body};

    std::unique_ptr<Connection> connection = checkout(origin);
    bool reused = connection != nullptr;
    bool sent_before = false;  // by an earlier attempt
    for (;;) {
        try {
            if (!connection) {
                connection =
                    Connection::open(url, origin, url.is_https() ? &tls : nullptr, dns, deadline);
                ++connects;
                if (connection->tls_session_resumed())
                    ++tls_resumptions;
            }
            Answer answer = connection->exchange(wire, limits, deadline);
            Response response;
            response.status = answer.status;
            response.body = std::move(answer.body);
            response.retry_after = std::move(answer.retry_after);
            response.content_type = std::move(answer.content_type);
            response.reused_connection = reused;
            response.tls_session_resumed = connection->tls_session_resumed();
            checkin(std::move(connection));
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
        // Asio and Beast report some failures by throwing (a TLS object that
        // cannot be made, say). Their messages hold no request data.
        throw TransportError(Failure::kConnectionLost, true,
                             "request to " + request.url.authority() + " failed: " + e.what());
    }
}

Client::PoolStats Client::pool_stats() const {
    std::lock_guard lock(impl_->mutex);
    PoolStats stats;
    for (const auto &entry : impl_->idle)
        stats.idle += entry.second.size();
    stats.connects = impl_->connects;
    stats.reuses = impl_->reuses;
    stats.tls_resumptions = impl_->tls_resumptions;
    return stats;
}

}  // namespace wisepay::http
