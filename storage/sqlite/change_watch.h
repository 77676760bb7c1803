// Telling whether anyone has committed to the settings database since a
// reader last looked, without taking the store's connection (which a save
// holds through its fsync).
//
// The watch asks SQLite: PRAGMA data_version changes for one connection
// whenever another connection, in this or another process, commits. It keeps
// a few read connections of its own, each with the pragma prepared and its
// own lock, and hands each calling thread one of them. Values of different
// connections are not comparable, so each connection remembers the last value
// it saw and reports a change against that.
//
// Everything goes through SQLite's own API. Nothing here opens, maps or
// closes the database or its -wal and -shm files directly: closing any
// descriptor of a file drops every POSIX lock this process holds on it,
// SQLite's included, and SQLite then takes the file for unused.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace wisepay::storage {

class ChangeWatch {
  public:
    // `path` must be a settings database that exists (see open_database).
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
