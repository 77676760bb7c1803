// A fake Wise-Pay for tests: a real HTTPS server on 127.0.0.1 (Boost.Beast
// over OpenSSL) with certificates made at test time, speaking the contract in
// docs/wisepay-api.md, and with switches that make it misbehave.
//
// Each connection is served by its own thread (synchronous Beast), so many
// clients can talk to it at once; HTTP/1.1 keep-alive is honoured. The
// destructor stops everything within a fraction of a second, even with
// clients mid-request or slow answers waiting.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wisepay::test {

class FakeWisePay {
  public:
    enum class Certificate {
        kValid,          // signed by the CA in ca_file(), SANs IP:127.0.0.1 and DNS:localhost
        kWrongHostName,  // signed by the CA in ca_file(), only SAN DNS:other.example
        kUnknownCa,      // signed by a CA that ca_file() does not hold
    };

    // Faults apply to the two Wise-Pay endpoints only (sso-sessions and
    // merchant); any other path is a plain 404 and does not use up a fault.
    //
    // The status faults (kServerError, kUnavailable, kBadGateway,
    // kRateLimited) answer before any check. The 200 faults (kMalformedJson
    // to kMissingFields) answer once the key is known, the integration on and
    // the body valid, whether or not the payer exists. On the merchant
    // endpoint kMalformedJson truncates the normal answer, kMissingFields
    // leaves out "merchant", and the other 200 faults change nothing.
    enum class Fault {
        kNone,
        kSlow,                 // wait slow_delay (3 s by default) before answering normally
        kServerError,          // 500, the bearer key echoed in the error message
        kUnavailable,          // 503 {"error":{"code":"unavailable"}}
        kBadGateway,           // 502 {"error":{"code":"bad_gateway"}}
        kRateLimited,          // 429 with Retry-After: 1 and {"error":{"code":"rate_limited"}}
        kResetMidAnswer,       // headers and half the body of the normal answer, then a TCP reset
        kHugeBody,             // 200 with a 10 MiB body, streamed, then the connection is closed
        kMalformedJson,        // 200 with truncated JSON
        kWrongPayerEmail,      // 200 for someone.else@example.com
        kForeignRedirectHost,  // 200 redirecting to https://evil.example/sso?token=...
        kPlainHttpRedirect,    // 200 redirecting to http:// on the fake's own host:port
        kExpiredSession,       // 200 with expires_at 60 s in the past
        kMissingFields,        // 200 with only {"payer_email": <the email asked>}
    };

    // What the server received, in order, for assertions. Headers absent from
    // the request are empty strings.
    struct Request {
        std::string method, target, authorization, idempotency_key, user_agent, content_type, body;
    };

    // Makes the certificates, binds 127.0.0.1 on a port the kernel chooses
    // and starts serving in background threads.
    explicit FakeWisePay(Certificate certificate = Certificate::kValid);
    // Closes the listener and every open connection, wakes slow answers and
    // joins every thread.
    ~FakeWisePay();
    FakeWisePay(const FakeWisePay &) = delete;
    FakeWisePay &operator=(const FakeWisePay &) = delete;

    std::string base_url() const;  // "https://127.0.0.1:<port>"
    std::uint16_t port() const;
    // A PEM file, in a temp dir this object owns and removes, holding the CA
    // the plugin should trust.
    std::string ca_file() const;

    // A merchant with its API key; re-adding a key renames it and keeps its
    // payers and id. Ids are "m_1", "m_2", ... in order of addition.
    void add_merchant(const std::string &api_key, const std::string &name,
                      bool integration_enabled = true);
    // A payer of the merchant with that key (std::out_of_range when there is
    // none). Look-ups ignore ASCII case and surrounding white space; answers
    // carry the email exactly as given here.
    void add_payer(const std::string &api_key, const std::string &email);
    // Wise-Pay forgets the key, as when a merchant revokes it: requests with
    // it get 401 from now on.
    void revoke_key(const std::string &api_key);
    // Sent as "registration_url" in 404 payer_not_found answers when not empty.
    void set_registration_url(const std::string &url);
    // times = -1: every request from now on; times > 0: the next `times`
    // requests, then back to normal; kNone (or times = 0) clears the fault.
    void set_fault(Fault fault, int times = -1);
    void set_slow_delay(std::chrono::milliseconds delay);
    // Writes every '/' in an answer's JSON as "\/", as PHP's json_encode
    // does by default: valid JSON that parsers unescape on a slower path.
    void escape_slashes(bool escape);

    std::vector<Request> requests() const;  // every request kept so far
    // Long runs (soak tests, benchmarks) turn keeping off so that the fake's
    // own memory stays flat; requests_received() counts either way. It
    // applies to issued_tokens() as well.
    void keep_requests(bool keep);
    std::size_t requests_received() const;
    // Forgets the requests received so far (kept ones and the count), so a
    // test counts only what follows its setup.
    void forget_requests();
    std::size_t connections_accepted() const;  // TCP connections accepted so far
    std::string last_redirect_token() const;   // the token of the last redirect_url sent
    // The token of every redirect_url sent while keeping was on, in order,
    // whatever the fault (a foreign or plain-http redirect carries one too).
    std::vector<std::string> issued_tokens() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wisepay::test
