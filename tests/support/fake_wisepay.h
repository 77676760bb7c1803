// A fake Wise-Pay for tests: a real HTTPS server on 127.0.0.1 (Boost.Beast,
// OpenSSL) with a certificate made at test time, speaking the contract in
// docs/wisepay-api.md, with switches to misbehave.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

namespace wisepay::test {

class FakeWisePay {
  public:
    enum class Certificate { kValid, kWrongHostName, kUnknownCa };
    enum class Fault {
        kNone,
        kSlow,                 // wait slow_delay before answering
        kServerError,          // 500, with the bearer key echoed in the message
        kUnavailable,          // 503
        kBadGateway,           // 502
        kRateLimited,          // 429 with Retry-After: 1
        kResetMidAnswer,       // half an answer, then a TCP reset
        kHugeBody,             // 200 with a 10 MiB body
        kMalformedJson,        // 200 with truncated JSON
        kWrongPayerEmail,      // 200 for someone.else@example.com
        kForeignRedirectHost,  // 200 redirecting to https://evil.example/
        kPlainHttpRedirect,    // 200 redirecting to http:// on the right host
        kExpiredSession,       // 200 with expires_at in the past
        kMissingFields,        // 200 with only payer_email
    };
    struct Request {
        std::string method, target, authorization, idempotency_key, user_agent, content_type, body;
    };

    // Makes the certificates, binds 127.0.0.1 on a free port and serves.
    explicit FakeWisePay(Certificate certificate = Certificate::kValid);
    // Stops quickly, even with clients mid-request or slow answers waiting.
    ~FakeWisePay();
    FakeWisePay(const FakeWisePay &) = delete;
    FakeWisePay &operator=(const FakeWisePay &) = delete;

    std::string base_url() const;
    std::uint16_t port() const { return port_; }
    // The CA the plugin should trust. With kUnknownCa the server's
    // certificate comes from another CA; with kWrongHostName it names only
    // other.example.
    std::string ca_file() const { return ca_file_; }

    void add_merchant(const std::string &api_key, const std::string &name,
                      bool integration_enabled = true);
    void add_payer(const std::string &api_key, const std::string &email);
    void set_registration_url(const std::string &url);
    // times = -1: every request from now on; n > 0: the next n requests.
    void set_fault(Fault fault, int times = -1);
    void set_slow_delay(std::chrono::milliseconds delay);

    std::vector<Request> requests() const;
    std::size_t connections_accepted() const { return accepted_.load(); }
    std::string last_redirect_token() const;

    struct Impl;  // Beast types stay out of the tests that include this

  private:
    struct Merchant {
        std::string id;
        std::string name;
        bool integration_enabled = true;
        std::set<std::string> payers;  // lower-cased emails
        std::map<std::string, std::string> display_email;
    };
    struct Answer;

    void accept_loop();
    void serve(int connection_id, void *socket);
    Fault take_fault();
    Answer answer(const Request &request, Fault fault);
    bool wait_or_stop(std::chrono::milliseconds delay);

    TempDir dir_;
    std::string ca_file_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Impl> impl_;

    mutable std::mutex mutex_;
    std::condition_variable stop_cv_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> accepted_{0};
    std::map<std::string, Merchant> merchants_;
    std::string registration_url_;
    Fault fault_ = Fault::kNone;
    int fault_times_ = 0;
    std::chrono::milliseconds slow_delay_{3000};
    std::vector<Request> requests_;
    std::string last_token_;
    std::map<int, int> open_sockets_;  // connection id -> native handle
    std::vector<std::thread> threads_;
    std::thread acceptor_thread_;
};

}  // namespace wisepay::test
