// A read-only look at the header of SQLite's WAL index, the "<db>-shm" file
// every connection to a WAL database maps and updates on each commit.
//
// Its layout is SQLite's unix VFS format, documented at
// https://www.sqlite.org/walformat.html ("The WAL-Index Header"): two copies
// of a 48-byte header of native-endian 32-bit words, the first at offset 0
// starting with iVersion = 3007000. SQLite writes the second copy, then the
// first, before a commit returns, and bumps the change counter iChange each
// time; mxFrame, the salts and the frame checksums change with any commit
// too, so the first copy as a whole is a fingerprint of what has been
// committed. Reading it costs a few loads from shared memory, where SQLite's
// own check (PRAGMA data_version) takes a read transaction and two fcntl
// locks.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace wisepay::storage {

class WalIndexHeader {
  public:
    using Words = std::array<std::uint32_t, 12>;

    // Maps the WAL index of the database at `database_path` read-only.
    // Returns nullptr when there is none in the expected format (not WAL, an
    // exclusive locking mode, another VFS): callers then ask SQLite instead.
    // The caller must keep a connection to the database open for as long as
    // the view lives: SQLite resets the file only when no connection has it.
    static std::unique_ptr<WalIndexHeader> open(const std::string &database_path);

    ~WalIndexHeader();
    WalIndexHeader(const WalIndexHeader &) = delete;
    WalIndexHeader &operator=(const WalIndexHeader &) = delete;

    // The first copy of the header as it stands. A read that overlaps a
    // commit may mix old and new words; that only ever differs from the
    // previous value, never hides a commit that had returned. Thread-safe.
    Words read() const;

  private:
    explicit WalIndexHeader(const void *mapping) : mapping_(mapping) {}
    const void *mapping_;
};

}  // namespace wisepay::storage
