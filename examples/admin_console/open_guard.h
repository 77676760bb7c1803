// Keeps a double click on an invoice link from costing two Wise-Pay sign-in
// sessions. Each click claims "this user opens this invoice". While the
// claim runs, and for a few seconds after it opened Wise-Pay, another click
// on the same invoice by the same user is turned away (its tab says Wise-Pay
// is already opening in another tab) instead of asking Wise-Pay again. A
// click that failed frees its claim at once, so the user can try again.
// Sign-in links are never shared between tabs: each one is single-use.
// Safe from many threads at once.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace admin_console {

class OpenGuard {
  public:
    using Clock = std::chrono::steady_clock;

    // How long after Wise-Pay opened another click is still taken for the
    // same double click.
    static constexpr std::chrono::seconds kQuietTime{5};

    enum class Busy {
        kNo,          // claimed: go ahead
        kOpening,     // another tab is opening Wise-Pay for it now
        kJustOpened,  // another tab opened Wise-Pay for it moments ago
    };

    // What a click holds while it opens Wise-Pay. Forgotten when destroyed,
    // unless opened() said the click worked.
    class Claim {
      public:
        Claim(OpenGuard &guard, std::string key) : guard_(&guard), key_(std::move(key)) {}
        Claim(Claim &&other) noexcept;
        Claim &operator=(Claim &&) = delete;
        Claim(const Claim &) = delete;
        Claim &operator=(const Claim &) = delete;
        ~Claim();

        // Wise-Pay opened: keep turning further clicks away for kQuietTime.
        void opened();

      private:
        OpenGuard *guard_;  // nullptr once moved from or settled
        std::string key_;
    };

    // Claims `invoice_id` for `user_id` into `claim`, or says why not.
    Busy try_claim(std::string_view user_id, std::string_view invoice_id,
                   std::optional<Claim> &claim);

  private:
    struct Entry {
        bool in_flight = true;
        Clock::time_point quiet_until;  // when !in_flight
    };
    void settle(const std::string &key, bool opened);

    std::mutex mutex_;
    std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace admin_console
