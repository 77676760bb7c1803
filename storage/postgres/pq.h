// A small C++ layer over libpq, PostgreSQL's C client: results and
// connections that free themselves, statements bounded by a deadline, and a
// pool of connections shared by threads.
//
// Every wait is bounded by the caller's deadline: connecting, sending and
// reading use libpq's non-blocking calls and poll() on its socket. A
// connection that missed a deadline, lost its server or failed in a way
// that leaves its state unknown is never reused.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wisepay::storage::pq {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// What a database failure was, as far as a caller acts on it.
enum class Fault {
    kUnreachable,   // could not connect, or the connection broke before the statement was sent
    kTimeout,       // the deadline passed
    kLostInFlight,  // the connection broke after the statement was sent: it may have run
    kStatement,     // the server refused the statement (see sqlstate)
};

// A failure of libpq or the server. what() names the operation and the
// server's or libpq's reason; it never holds a password or a parameter.
class PqError : public std::runtime_error {
  public:
    PqError(Fault fault, std::string sqlstate, const std::string &what)
        : std::runtime_error(what), fault_(fault), sqlstate_(std::move(sqlstate)) {}
    Fault fault() const { return fault_; }
    // The five-character SQLSTATE for kStatement (e.g. "40001"), else "".
    const std::string &sqlstate() const { return sqlstate_; }

  private:
    Fault fault_;
    std::string sqlstate_;
};

// Checks a connection URI or keyword string and describes it for logs and
// messages: "postgresql://user@host:port/dbname", never the password or any
// other option. Returns nullopt (and a reason) when libpq cannot parse it.
struct Conninfo {
    std::string description;
};
std::optional<Conninfo> parse_conninfo(const std::string &conninfo, std::string *reason);

class Result {
  public:
    explicit Result(PGresult *result) : result_(result) {}
    Result(Result &&other) noexcept : result_(other.result_) { other.result_ = nullptr; }
    Result &operator=(Result &&other) noexcept;
    ~Result() { PQclear(result_); }
    Result(const Result &) = delete;
    Result &operator=(const Result &) = delete;

    const PGresult *get() const { return result_; }
    int rows() const { return PQntuples(result_); }
    // The number of rows an INSERT, UPDATE or DELETE touched.
    std::int64_t affected() const;
    bool is_null(int row, int column) const { return PQgetisnull(result_, row, column) == 1; }
    std::string_view text(int row, int column) const;
    std::int64_t int64(int row, int column) const;
    bool boolean(int row, int column) const;
    // A bytea column in text format ("\x..."), decoded.
    std::vector<unsigned char> bytes(int row, int column) const;

  private:
    PGresult *result_;
};

// One statement parameter: text, or bytes sent in binary (bytea).
struct Param {
    std::string text;
    bool is_null = false;
    bool binary = false;
    static Param of(std::string value) { return Param{std::move(value), false, false}; }
    static Param of(std::int64_t value) { return Param{std::to_string(value), false, false}; }
    static Param null() { return Param{std::string(), true, false}; }
    static Param bytes(const std::vector<unsigned char> &value) {
        return Param{std::string(value.begin(), value.end()), false, true};
    }
};

class Connection {
  public:
    // Connects before `deadline`. Throws PqError (kUnreachable or kTimeout).
    static std::unique_ptr<Connection> open(const std::string &conninfo, Deadline deadline);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Runs `sql` with `params` ($1, $2, ...) and returns its result, all
    // before `deadline`. Throws PqError: kStatement when the server refused
    // it (the connection stays usable unless it broke), kLostInFlight or
    // kTimeout when the outcome is unknown (the connection is broken then).
    Result exec(const std::string &sql, const std::vector<Param> &params, Deadline deadline);
    Result exec(const std::string &sql, Deadline deadline) { return exec(sql, {}, deadline); }
    // Runs several statements (no parameters) in one go, as psql would.
    void exec_script(const std::string &sql, Deadline deadline);

    // False once the connection failed in a way that leaves it unusable.
    bool usable() const;
    // For an idle connection: reads whatever the server sent meanwhile (a
    // shutdown notice, or the end of the stream when it went away) and says
    // whether the connection is still good. Never blocks.
    bool still_open();

  private:
    explicit Connection(PGconn *conn) : conn_(conn) {}
    // After a statement was sent: flushes it and collects its results.
    Result finish(const char *doing, Deadline deadline);
    // Waits until the socket is ready for `events` or the deadline passes.
    bool wait(short events, Deadline deadline);
    [[noreturn]] void fail(Fault fault, const std::string &doing);

    PGconn *conn_;
    bool broken_ = false;
};

// Connections for many threads: a thread leases one, uses it alone, and the
// lease gives it back (or drops it when it is no longer usable). At most
// `size` exist; a thread that finds all leased waits, within its deadline.
class Pool {
  public:
    // `setup` (may be empty) runs on each new connection before its first
    // use, e.g. "SET statement_timeout = 10000".
    Pool(std::string conninfo, std::size_t size, std::string setup = "");
    ~Pool();
    Pool(const Pool &) = delete;
    Pool &operator=(const Pool &) = delete;

    class Lease {
      public:
        Lease(Pool &pool, std::unique_ptr<Connection> connection, bool reused)
            : pool_(&pool), connection_(std::move(connection)), reused_(reused) {}
        Lease(Lease &&other) noexcept = default;
        ~Lease();
        Connection &operator*() const { return *connection_; }
        Connection *operator->() const { return connection_.get(); }
        // The connection waited idle in the pool before this lease: the
        // server may have dropped it since without the client knowing yet.
        bool reused() const { return reused_; }

      private:
        Pool *pool_;
        std::unique_ptr<Connection> connection_;
        bool reused_;
    };

    // An idle connection, or a new one while fewer than `size` exist.
    // Throws PqError (kTimeout when none came free in time).
    Lease lease(Deadline deadline);

    std::size_t size() const { return size_; }

  private:
    void give_back(std::unique_ptr<Connection> connection);

    const std::string conninfo_;
    const std::size_t size_;
    const std::string setup_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_ = 0;  // idle and leased
};

}  // namespace wisepay::storage::pq
