// Login sessions: the cookie carries only a random session id; the server
// keeps who it belongs to and the session's CSRF token. In memory only, so a
// restart signs everyone out (the settings themselves live in the plugin's
// database and survive).
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace admin_console {

struct Session {
    std::string id;
    std::string user_id;
    std::string csrf_token;  // put in every form; checked on every POST
};

class SessionStore {
  public:
    static constexpr std::string_view kCookieName = "wisepay_console_session";

    Session create(std::string user_id);
    std::optional<Session> find(std::string_view id) const;
    void remove(std::string_view id);

  private:
    mutable std::mutex mutex_;
    std::map<std::string, Session, std::less<>> sessions_;
    std::deque<std::string> creation_order_;  // oldest first, for eviction
};

// Compares without stopping at the first difference, so the time taken does
// not tell an attacker how much of a token they guessed.
bool same_token(std::string_view a, std::string_view b);

}  // namespace admin_console
