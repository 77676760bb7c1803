// Telling cheaply whether anyone has committed to the settings database
// since a reader last looked, without taking the store's connection (which a
// save holds through its fsync).
//
// The watch reads the header of SQLite's WAL index (see wal_index.h): a few
// loads from shared memory, no lock unless something changed. Where that
// index cannot be read it falls back on PRAGMA data_version, which changes
// for one connection whenever another connection (in this or another
// process) commits: then it keeps a few connections of its own, each with the
// pragma prepared and its own lock, and hands each calling thread one of
// them. Values of different connections are not comparable, so each
// connection remembers the last value it saw and reports a change against
// that.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "storage/wal_index.h"

namespace wisepay::storage {

class ChangeWatch {
  public:
    enum class Method {
        kWalIndex,     // the WAL index header where it can be read, else the pragma
        kDataVersion,  // always PRAGMA data_version (tests use it for the fallback)
    };

    // `path` must be a settings database that stays open (see open_database)
    // through another connection for the watch's whole life. Connections of
    // the fallback are opened on first use.
    explicit ChangeWatch(std::string path, Method method = Method::kWalIndex,
                         unsigned connections = 4);
    ~ChangeWatch();
    ChangeWatch(const ChangeWatch &) = delete;
    ChangeWatch &operator=(const ChangeWatch &) = delete;

    // Calls `on_change` when a commit happened since the connection this
    // thread uses last looked, or when that connection is new. `on_change`
    // runs while that connection is still held, so no other thread on it can
    // see "no change" before `on_change` has finished (e.g. dropped a cache).
    // Throws StorageError when the database cannot be read.
    void check(const std::function<void()> &on_change);

    // Whether checks read the WAL index (else they ask SQLite).
    bool reads_wal_index() const { return wal_index_ != nullptr; }

  private:
    struct Slot;
    void check_data_version(const std::function<void()> &on_change);

    std::string path_;
    std::unique_ptr<WalIndexHeader> wal_index_;
    // The header as of the last on_change; written only under seen_mutex_,
    // after on_change returned, so a thread that reads it equal to the header
    // also sees what on_change did. All zero at first: never a real header.
    std::mutex seen_mutex_;
    std::array<std::atomic<std::uint32_t>, std::tuple_size_v<WalIndexHeader::Words>> seen_{};
    std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace wisepay::storage
