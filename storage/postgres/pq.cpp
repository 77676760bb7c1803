// libpq driven so that no wait outlives its deadline: connections start with
// PQconnectStartParams, and every send and read waits in poll() on libpq's
// socket. Each connection names itself "wisepay-plugin" in pg_stat_activity;
// libpq's notices are dropped (they would go to the host's stderr).
#include "storage/postgres/pq.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace wisepay::storage::pq {
namespace {

// libpq's messages end with a newline (and sometimes carry a second line);
// a log line wants one line.
std::string one_line(const char *message) {
    std::string text = message != nullptr ? message : "";
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\t', ' ');
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    return text;
}

struct FreeOptions {
    void operator()(PQconninfoOption *options) const { PQconninfoFree(options); }
};

}  // namespace

std::optional<Conninfo> parse_conninfo(const std::string &conninfo, std::string *reason) {
    char *error = nullptr;
    std::unique_ptr<PQconninfoOption, FreeOptions> options(
        PQconninfoParse(conninfo.c_str(), &error));
    if (!options) {
        // libpq's reason can quote the part it could not read, which may be
        // the password: it is not passed on.
        PQfreemem(error);
        if (reason != nullptr)
            *reason = "it is not a libpq connection URI or keyword string";
        return std::nullopt;
    }
    std::string user, host, port, dbname;
    for (const PQconninfoOption *option = options.get(); option->keyword != nullptr; ++option) {
        const std::string keyword = option->keyword;
        const std::string value = option->val != nullptr ? option->val : "";
        if (keyword == "user")
            user = value;
        else if (keyword == "host" || (keyword == "hostaddr" && host.empty()))
            host = value;
        else if (keyword == "port")
            port = value;
        else if (keyword == "dbname")
            dbname = value;
    }
    Conninfo parsed;
    parsed.description = "postgresql://" + (user.empty() ? "" : user + "@") +
                         (host.empty() ? "(local socket)" : host) +
                         (port.empty() ? "" : ":" + port) + "/" + dbname;
    return parsed;
}

// ---------------------------------------------------------------------------

Result &Result::operator=(Result &&other) noexcept {
    if (this != &other) {
        PQclear(result_);
        result_ = other.result_;
        other.result_ = nullptr;
    }
    return *this;
}

std::int64_t Result::affected() const {
    const char *count = PQcmdTuples(result_);
    return count != nullptr && *count != '\0' ? std::strtoll(count, nullptr, 10) : 0;
}

std::string_view Result::text(int row, int column) const {
    return {PQgetvalue(result_, row, column),
            static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::int64_t Result::int64(int row, int column) const {
    return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}

bool Result::boolean(int row, int column) const {
    return PQgetvalue(result_, row, column)[0] == 't';
}

std::vector<unsigned char> Result::bytes(int row, int column) const {
    std::size_t length = 0;
    unsigned char *decoded = PQunescapeBytea(
        reinterpret_cast<const unsigned char *>(PQgetvalue(result_, row, column)), &length);
    if (decoded == nullptr)
        throw std::bad_alloc();
    std::vector<unsigned char> out(decoded, decoded + length);
    PQfreemem(decoded);
    return out;
}

// ---------------------------------------------------------------------------

std::unique_ptr<Connection> Connection::open(const std::string &conninfo, Deadline deadline) {
    // The caller's string comes first and is expanded; what follows it
    // overrides, so every connection is named in pg_stat_activity.
    const char *keywords[] = {"dbname", "application_name", nullptr};
    const char *values[] = {conninfo.c_str(), "wisepay-plugin", nullptr};
    PGconn *conn = PQconnectStartParams(keywords, values, /*expand_dbname=*/1);
    if (conn == nullptr)
        throw std::bad_alloc();
    std::unique_ptr<Connection> connection(new Connection(conn));
    if (PQstatus(conn) == CONNECTION_BAD)
        connection->fail(Fault::kUnreachable, "connecting to the settings database");
    for (PostgresPollingStatusType state = PGRES_POLLING_WRITING;;) {
        if (state == PGRES_POLLING_OK)
            break;
        if (state == PGRES_POLLING_FAILED)
            connection->fail(Fault::kUnreachable, "connecting to the settings database");
        const short events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT;
        if (!connection->wait(events, deadline))
            connection->fail(Fault::kTimeout, "connecting to the settings database");
        state = PQconnectPoll(conn);
    }
    if (PQsetnonblocking(conn, 1) != 0)
        connection->fail(Fault::kUnreachable, "setting up the database connection");
    // libpq prints notices (a shutdown message, say) on stderr by default:
    // that is the host's stderr, so they are dropped; errors are reported.
    PQsetNoticeProcessor(
        conn, [](void *, const char *) {}, nullptr);
    return connection;
}

Connection::~Connection() {
    PQfinish(conn_);
}

bool Connection::usable() const {
    return !broken_ && PQstatus(conn_) == CONNECTION_OK &&
           PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool Connection::still_open() {
    pollfd fd{};
    fd.fd = PQsocket(conn_);
    fd.events = POLLIN;
    if (!usable() || fd.fd < 0)
        return false;
    // An idle connection has nothing to hear but its end: a server that
    // shuts down or loses its postmaster says why, then closes it. Reading
    // until the socket is quiet finds the close that follows the message.
    for (int reads = 0; reads < 4 && !broken_ && ::poll(&fd, 1, 0) > 0; ++reads) {
        if (PQconsumeInput(conn_) != 1 || PQstatus(conn_) != CONNECTION_OK)
            broken_ = true;
        while (!broken_ && PQisBusy(conn_) == 0) {
            PGresult *unasked = PQgetResult(conn_);
            if (unasked == nullptr)
                break;
            PQclear(unasked);
            broken_ = true;
        }
    }
    return usable();
}

bool Connection::wait(short events, Deadline deadline) {
    pollfd fd{};
    fd.fd = PQsocket(conn_);
    fd.events = events;
    if (fd.fd < 0)
        return true;  // libpq will report the failure itself
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return false;
        // Round up, so a wait never ends a little before its deadline.
        const int ready =
            ::poll(&fd, 1, static_cast<int>(std::min<long long>(left.count() + 1, 60000)));
        if (ready > 0)
            return true;
        if (ready < 0 && errno != EINTR)
            return true;  // let libpq find out what is wrong
    }
}

void Connection::fail(Fault fault, const std::string &doing) {
    broken_ = true;
    if (fault == Fault::kTimeout)
        throw PqError(fault, "", doing + ": the deadline passed");
    throw PqError(fault, "", doing + " failed: " + one_line(PQerrorMessage(conn_)));
}

Result Connection::exec(const std::string &sql, const std::vector<Param> &params,
                        Deadline deadline) {
    std::vector<const char *> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    for (const Param &param : params) {
        values.push_back(param.is_null ? nullptr : param.text.data());
        lengths.push_back(static_cast<int>(param.text.size()));
        formats.push_back(param.binary ? 1 : 0);
    }
    if (broken_ || PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                     values.data(), lengths.data(), formats.data(), 0) != 1) {
        fail(Fault::kUnreachable, "sending a statement to the settings database");
    }
    return finish("running a statement on the settings database", deadline);
}

void Connection::exec_script(const std::string &sql, Deadline deadline) {
    if (broken_ || PQsendQuery(conn_, sql.c_str()) != 1)
        fail(Fault::kUnreachable, "sending statements to the settings database");
    finish("running statements on the settings database", deadline);
}

Result Connection::finish(const char *doing, Deadline deadline) {
    // From here on the statement may have reached the server.
    for (;;) {
        const int flushed = PQflush(conn_);
        if (flushed == 0)
            break;
        if (flushed < 0)
            fail(Fault::kLostInFlight, doing);
        if (!wait(POLLOUT | POLLIN, deadline))
            fail(Fault::kTimeout, doing);
        if (PQconsumeInput(conn_) != 1)
            fail(Fault::kLostInFlight, doing);
    }
    // The first result, or the first error among several (a script).
    std::optional<Result> kept;
    auto failed = [](const PGresult *result) {
        const ExecStatusType status = PQresultStatus(result);
        return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
    };
    for (;;) {
        while (PQisBusy(conn_) == 1) {
            if (!wait(POLLIN, deadline))
                fail(Fault::kTimeout, doing);
            if (PQconsumeInput(conn_) != 1)
                fail(Fault::kLostInFlight, doing);
        }
        PGresult *raw = PQgetResult(conn_);
        if (raw == nullptr)
            break;
        if (!kept || (failed(raw) && !failed(kept->get())))
            kept.emplace(raw);
        else
            PQclear(raw);
    }
    if (!kept)
        fail(Fault::kLostInFlight, doing);
    const PGresult *result = kept->get();
    if (!failed(result))
        return std::move(*kept);
    const char *sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string message = one_line(PQresultErrorMessage(result));
    if (PQstatus(conn_) != CONNECTION_OK) {
        broken_ = true;
        // The server said why before it went (shutdown, crash recovery):
        // whether the statement took effect is still unknown.
        throw PqError(Fault::kLostInFlight, sqlstate != nullptr ? sqlstate : "",
                      "the settings database closed the connection: " + message);
    }
    throw PqError(Fault::kStatement, sqlstate != nullptr ? sqlstate : "",
                  "the settings database refused a statement: " + message);
}

// ---------------------------------------------------------------------------

Pool::Pool(std::string conninfo, std::size_t size, std::string setup)
    : conninfo_(std::move(conninfo)),
      size_(std::max<std::size_t>(size, 1)),
      setup_(std::move(setup)) {}

Pool::~Pool() = default;

Pool::Lease::~Lease() {
    if (pool_ != nullptr && connection_)
        pool_->give_back(std::move(connection_));
}

Pool::Lease Pool::lease(Deadline deadline) {
    std::unique_lock lock(mutex_);
    for (;;) {
        while (!idle_.empty()) {
            std::unique_ptr<Connection> connection = std::move(idle_.back());
            idle_.pop_back();
            if (connection->still_open())
                return Lease(*this, std::move(connection), true);
            --open_;  // went bad while idle: closed outside the lock, below
            lock.unlock();
            connection.reset();
            lock.lock();
        }
        if (open_ < size_) {
            ++open_;
            lock.unlock();
            try {
                std::unique_ptr<Connection> fresh = Connection::open(conninfo_, deadline);
                if (!setup_.empty())
                    fresh->exec(setup_, deadline);
                return Lease(*this, std::move(fresh), false);
            } catch (...) {
                lock.lock();
                --open_;
                freed_.notify_one();
                throw;
            }
        }
        if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_ >= size_) {
            throw PqError(Fault::kTimeout, "",
                          "all " + std::to_string(size_) +
                              " connections to the settings database stayed busy until the "
                              "deadline");
        }
    }
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
    std::unique_lock lock(mutex_);
    if (connection->usable()) {
        idle_.push_back(std::move(connection));
    } else {
        --open_;
        lock.unlock();
        connection.reset();
        lock.lock();
    }
    freed_.notify_one();
}

}  // namespace wisepay::storage::pq
