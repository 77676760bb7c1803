// Telling cheaply whether anyone has committed to the settings database
// since a reader last looked, without taking the store's connection (which a
// save holds through its fsync).
//
// PRAGMA data_version changes, for one connection, whenever another
// connection (in this or another process) commits. The watch keeps a few
// connections of its own, each with the pragma prepared once and its own
// lock, and hands each calling thread one of them; a check is one step of a
// prepared statement, well under a microsecond, and threads rarely share a
// connection. Values of different connections are not comparable, so each
// connection remembers the last value it saw and reports a change against
// that.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace wisepay::storage {

class ChangeWatch {
  public:
    // `path` must already be an open settings database (see open_database).
    // Connections are opened on first use.
    explicit ChangeWatch(std::string path, unsigned connections = 4);
    ~ChangeWatch();
    ChangeWatch(const ChangeWatch &) = delete;
    ChangeWatch &operator=(const ChangeWatch &) = delete;

    // Calls `on_change` when a commit happened since the connection this
    // thread uses last looked, or when that connection is new. `on_change`
    // runs while that connection is still held, so no other thread on it can
    // see "no change" before `on_change` has finished (e.g. dropped a cache).
    // Throws StorageError when the database cannot be read.
    void check(const std::function<void()> &on_change);

  private:
    struct Slot;
    std::string path_;
    std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace wisepay::storage
