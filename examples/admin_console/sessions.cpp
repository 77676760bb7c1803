#include "sessions.h"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>

namespace admin_console {
namespace {

// A demo has a handful of sessions; a client that logs in in a loop must not
// grow memory without bound, so the oldest ones are forgotten.
constexpr std::size_t kMaxSessions = 1000;

// 128 random bits from the kernel, as hex.
std::string random_token() {
    unsigned char bytes[16];
    std::size_t filled = 0;
    while (filled < sizeof bytes) {
        const ssize_t got = ::getrandom(bytes + filled, sizeof bytes - filled, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::runtime_error("getrandom failed");
        }
        filled += static_cast<std::size_t>(got);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string token;
    for (const unsigned char b : bytes) {
        token += kHex[b >> 4];
        token += kHex[b & 0x0f];
    }
    return token;
}

}  // namespace

Session SessionStore::create(std::string user_id) {
    Session session{random_token(), std::move(user_id), random_token()};
    std::lock_guard lock(mutex_);
    sessions_[session.id] = session;
    creation_order_.push_back(session.id);
    while (creation_order_.size() > kMaxSessions) {
        sessions_.erase(creation_order_.front());
        creation_order_.pop_front();
    }
    return session;
}

std::optional<Session> SessionStore::find(std::string_view id) const {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) {
        return std::nullopt;
    }
    return it->second;
}

void SessionStore::remove(std::string_view id) {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(id);
    if (it != sessions_.end()) {
        sessions_.erase(it);
    }
    // Its entry in creation_order_ stays; erasing a missing id later is a no-op.
}

bool same_token(std::string_view a, std::string_view b) {
    if (a.size() != b.size() || a.empty()) {
        return false;
    }
    unsigned char difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return difference == 0;
}

}  // namespace admin_console
