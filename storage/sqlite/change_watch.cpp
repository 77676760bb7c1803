// ChangeWatch's slots: a thread tries every slot from its own home slot on
// and takes the first free one, waiting for its home slot only when all are
// busy. A slot whose connection failed is closed, and opened again (which
// counts as a change) on its next use.
#include "storage/sqlite/change_watch.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <atomic>
#include <mutex>
#include <optional>

#include "storage/sqlite/database.h"

namespace wisepay::storage {

struct ChangeWatch::Slot {
    std::mutex mutex;
    std::optional<SQLite::Database> db;
    std::optional<SQLite::Statement> data_version;
    std::int64_t last_seen = -1;  // -1: never looked, so anything counts as a change
};

namespace {

constexpr int kBusyTimeoutMs = 5000;

// Each thread starts at its own slot, so threads spread over the slots.
unsigned home_slot(std::size_t count) {
    static std::atomic<unsigned> next{0};
    thread_local const unsigned mine = next++;
    return static_cast<unsigned>(mine % count);
}

}  // namespace

ChangeWatch::ChangeWatch(std::string path, unsigned connections) : path_(std::move(path)) {
    for (unsigned i = 0; i < (connections == 0 ? 1 : connections); ++i)
        slots_.push_back(std::make_unique<Slot>());
}

ChangeWatch::~ChangeWatch() = default;

void ChangeWatch::check(const std::function<void()> &on_change) {
    // A free slot if there is one, else wait for this thread's own.
    const unsigned home = home_slot(slots_.size());
    std::unique_lock<std::mutex> lock;
    Slot *slot = nullptr;
    for (std::size_t i = 0; i < slots_.size() && slot == nullptr; ++i) {
        Slot &candidate = *slots_[(home + i) % slots_.size()];
        std::unique_lock<std::mutex> attempt(candidate.mutex, std::try_to_lock);
        if (attempt.owns_lock()) {
            lock = std::move(attempt);
            slot = &candidate;
        }
    }
    if (slot == nullptr) {
        slot = slots_[home].get();
        lock = std::unique_lock<std::mutex>(slot->mutex);
    }

    std::int64_t now = 0;
    try {
        if (!slot->db) {
            // Read-write without create: the file exists (the store made it)
            // and WAL readers need to write the shared-memory index.
            slot->db.emplace(path_, SQLite::OPEN_READWRITE, kBusyTimeoutMs);
            slot->data_version.emplace(*slot->db, "PRAGMA data_version");
        }
        SQLite::Statement &statement = *slot->data_version;
        statement.executeStep();
        now = statement.getColumn(0).getInt64();
        statement.reset();
    } catch (const SQLite::Exception &e) {
        // A connection in an unknown state is not reused.
        slot->data_version.reset();
        slot->db.reset();
        slot->last_seen = -1;
        throw StorageError(std::string("cannot check for changed settings: ") + e.what());
    }
    if (now != slot->last_seen) {
        slot->last_seen = now;
        on_change();
    }
}

}  // namespace wisepay::storage
