// The session store, behind one mutex. Session ids and CSRF tokens are 128
// random bits each; at most 1000 sessions are kept, the oldest (and its
// flash) forgotten first, so a client signing in in a loop cannot grow
// memory without bound.
#include "sessions.h"

#include "random_id.h"

namespace admin_console {
namespace {

// A demo has a handful of sessions; a client that logs in in a loop must not
// grow memory without bound, so the oldest ones are forgotten.
constexpr std::size_t kMaxSessions = 1000;

}  // namespace

Session SessionStore::create(std::string user_id) {
    // 128 random bits each.
    Session session{examples_common::random_hex(16), std::move(user_id),
                    examples_common::random_hex(16)};
    std::lock_guard lock(mutex_);
    sessions_[session.id] = session;
    creation_order_.push_back(session.id);
    while (creation_order_.size() > kMaxSessions) {
        sessions_.erase(creation_order_.front());
        flashes_.erase(creation_order_.front());
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
    if (const auto flash = flashes_.find(id); flash != flashes_.end()) {
        flashes_.erase(flash);
    }
    // Its entry in creation_order_ stays; erasing a missing id later is a no-op.
}

void SessionStore::set_flash(std::string_view id, Flash flash) {
    std::lock_guard lock(mutex_);
    if (sessions_.find(id) == sessions_.end()) {
        return;
    }
    flashes_.insert_or_assign(std::string(id), std::move(flash));
}

std::optional<Flash> SessionStore::take_flash(std::string_view id) {
    std::lock_guard lock(mutex_);
    const auto it = flashes_.find(id);
    if (it == flashes_.end()) {
        return std::nullopt;
    }
    Flash flash = std::move(it->second);
    flashes_.erase(it);
    return flash;
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
