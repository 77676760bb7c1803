// OpenGuard's map of claims, keyed by user id and invoice id. Each
// try_claim first forgets the entries whose quiet time has ended, so the
// map holds only clicks of the last few seconds.
#include "open_guard.h"

#include <utility>

namespace admin_console {

OpenGuard::Claim::Claim(Claim &&other) noexcept
    : guard_(std::exchange(other.guard_, nullptr)), key_(std::move(other.key_)) {}

OpenGuard::Claim::~Claim() {
    if (guard_ != nullptr) {
        guard_->settle(key_, false);
    }
}

void OpenGuard::Claim::opened() {
    if (guard_ != nullptr) {
        std::exchange(guard_, nullptr)->settle(key_, true);
    }
}

OpenGuard::Busy OpenGuard::try_claim(std::string_view user_id, std::string_view invoice_id,
                                     std::optional<Claim> &claim) {
    std::string key;
    key.reserve(user_id.size() + 1 + invoice_id.size());
    key.append(user_id).append(1, '\n').append(invoice_id);
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    // Quiet times that ended are forgotten, so the map holds only clicks of
    // the last few seconds.
    std::erase_if(entries_, [now](const auto &entry) {
        return !entry.second.in_flight && entry.second.quiet_until <= now;
    });
    if (const auto it = entries_.find(key); it != entries_.end()) {
        return it->second.in_flight ? Busy::kOpening : Busy::kJustOpened;
    }
    entries_.emplace(key, Entry{});
    claim.emplace(*this, std::move(key));
    return Busy::kNo;
}

void OpenGuard::settle(const std::string &key, bool opened) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) {
        return;
    }
    if (opened) {
        it->second.in_flight = false;
        it->second.quiet_until = Clock::now() + kQuietTime;
    } else {
        entries_.erase(it);
    }
}

}  // namespace admin_console
