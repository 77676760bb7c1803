// The clients the benchmark compares. Each sends the same invoice click to
// the benchmark server (POST sso-sessions of docs/wisepay-api.md with the
// plugin's headers, a JSON body built per click and a fresh random
// Idempotency-Key) over a kept-alive TLS connection, and checks the answer
// by the plugin's own rules before the click counts:
//   - plugin:      the plugin through dlopen and its C ABI (plugin_client.h);
//   - libcurl:     one easy handle, HTTP/1.1, the answer parsed with
//                  Boost.JSON (click_content.h);
//   - raw OpenSSL: a blocking socket, OpenSSL and hand-written HTTP framing,
//                  no Asio and no Beast: the limit a lean client can reach.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace wisepay::bench {

// Where the clients send their clicks, and what they send.
struct Target {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string ca_file;
    std::string api_key;
    std::string payer_email;

    // "https://127.0.0.1:<port>": Wise-Pay's base URL, and the portal origin
    // that sign-in redirects must point at.
    std::string origin() const { return "https://" + host + ":" + std::to_string(port); }
};

class Client {
  public:
    virtual ~Client() = default;
    // One invoice click, its answer checked. Any failure ends the benchmark
    // with a message: a number measured on failing clicks means nothing.
    virtual void click() = 0;
};

enum class ClientKind { kPlugin, kCurl, kRaw };

// "plugin", "libcurl", "raw OpenSSL".
const char *name_of(ClientKind kind);
// "plugin", "libcurl", "raw": how the command line names it.
const char *cli_name_of(ClientKind kind);
// The kind the command line names; false when none.
bool parse_client_kind(const std::string &name, ClientKind &out);
// The User-Agent each sends, as the server reports it per client; the
// plugin's ends in its version, so this is a prefix.
const char *user_agent_prefix_of(ClientKind kind);

// libcurl's once-per-process set-up; call before any thread starts.
void init_curl();
std::string curl_description();  // "libcurl 7.88.1 (OpenSSL/3.0.19)"

std::unique_ptr<Client> make_curl_client(const Target &target);
std::unique_ptr<Client> make_raw_client(const Target &target);

}  // namespace wisepay::bench
