// Login sessions: the cookie carries only a random session id; the server
// keeps who it belongs to, the session's CSRF token, and a message for the
// next page it shows (what a save said, carried across its redirect). In
// memory only, so a restart signs everyone out (the settings themselves live
// in the plugin's database and survive).
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace admin_console {

struct Session {
    std::string id;
    std::string user_id;
    std::string csrf_token;  // put in every form; checked on every POST
};

// Shown once, on the next page the session loads ("Settings saved.", and
// the plugin's warnings). Never holds a secret.
struct Flash {
    std::string text;
    std::vector<std::string> warnings;
};

class SessionStore {
  public:
    static constexpr std::string_view kCookieName = "wisepay_console_session";

    Session create(std::string user_id);
    std::optional<Session> find(std::string_view id) const;
    void remove(std::string_view id);

    // Keeps one flash per session (a newer one replaces it); take_flash
    // hands it over once.
    void set_flash(std::string_view id, Flash flash);
    std::optional<Flash> take_flash(std::string_view id);

  private:
    mutable std::mutex mutex_;
    std::map<std::string, Session, std::less<>> sessions_;
    std::map<std::string, Flash, std::less<>> flashes_;
    std::deque<std::string> creation_order_;  // oldest first, for eviction
};

// Compares without stopping at the first difference, so the time taken does
// not tell an attacker how much of a token they guessed.
bool same_token(std::string_view a, std::string_view b);

}  // namespace admin_console
